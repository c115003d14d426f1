package ports

// TrimPage takes what a keyset query fetched when asked for limit+1 items and returns the page
// of at most limit items and whether more follow: asking for one more than the page is how a
// listing knows, without counting, that another page exists.
func TrimPage[T any](items []T, limit int) ([]T, bool) {
	if limit >= 0 && len(items) > limit {
		return items[:limit], true
	}
	return items, false
}
