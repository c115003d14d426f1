package catalog

import (
	"slices"
	"strings"
)

// Ratings are the content ratings a class may carry and a profile may be limited to: the US film
// ratings (MPAA) and the TV Parental Guidelines, in the specification's order.
var Ratings = []string{"G", "PG", "PG-13", "R", "NC-17", "TV-Y", "TV-G", "TV-PG", "TV-14", "TV-MA"}

// ratingLevels puts both scales on one ladder of audiences, so a limit on one scale bounds the
// other: all children, general, parental guidance, teens, restricted, adults only. TV-MA (for
// adults, unsuitable under 17) sits with NC-17, so the default limit TV-MA admits everything.
var ratingLevels = map[string]int{
	"TV-Y": 0,
	"G":    1, "TV-G": 1,
	"PG": 2, "TV-PG": 2,
	"PG-13": 3, "TV-14": 3,
	"R":     4,
	"NC-17": 5, "TV-MA": 5,
}

// RatingsText lists the ratings for messages: "G, PG, ..., TV-MA".
var RatingsText = strings.Join(Ratings, ", ")

// ValidRating reports whether r is one of Ratings (exact case).
func ValidRating(r string) bool {
	_, ok := ratingLevels[r]
	return ok
}

// RatingWithin reports whether content rated r is within the limit: r's audience is no older
// than the limit's. Unknown ratings are within no limit, and no content is within an unknown
// limit.
func RatingWithin(r, limit string) bool {
	lr, ok := ratingLevels[r]
	ll, okLimit := ratingLevels[limit]
	return ok && okLimit && lr <= ll
}

// RatingsWithin lists the ratings within the limit, in the order of Ratings (none for an unknown
// limit).
func RatingsWithin(limit string) []string {
	out := []string{}
	for _, r := range Ratings {
		if RatingWithin(r, limit) {
			out = append(out, r)
		}
	}
	return out
}

// Viewer is the profile a listing is for: it sees only classes rated within its limit, and those
// without a rating (a client's classes are unrated until its admins rate them).
type Viewer struct {
	UserID    string
	ProfileID string
}

// Restriction is what a viewer's profile may be shown: classes rated within its limit (and unrated
// ones) and, for a kids profile limited to chosen titles, those titles only. The zero Restriction
// allows everything.
type Restriction struct {
	// Ratings, when not nil, keeps only the classes rated one of them or not rated.
	Ratings []string
	// ClassIDs, when not nil, keeps only these classes.
	ClassIDs []string
}

// Allows reports whether the class may be shown under the restriction.
func (r Restriction) Allows(c Class) bool {
	return (r.Ratings == nil || c.ContentRating == "" || slices.Contains(r.Ratings, c.ContentRating)) &&
		(r.ClassIDs == nil || slices.Contains(r.ClassIDs, c.ID))
}
