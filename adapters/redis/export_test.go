package redis

// Grouped makes the checker group its script calls by hash slot and pipeline them, as it does
// for a Redis Cluster, so the tests run that path against a single Redis.
func (c *Checker) Grouped() *Checker {
	c.cluster = true
	return c
}
