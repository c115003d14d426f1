package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRatings(t *testing.T) {
	t.Parallel()
	for _, r := range Ratings {
		require.True(t, ValidRating(r), r)
		require.True(t, RatingWithin(r, "TV-MA"), "the default limit TV-MA admits %s", r)
		require.True(t, RatingWithin(r, r))
	}
	require.False(t, ValidRating("tv-ma"))
	require.False(t, ValidRating(""))
	require.Equal(t, []string{"TV-Y"}, RatingsWithin("TV-Y"))
	require.Equal(t, []string{"G", "PG", "TV-Y", "TV-G", "TV-PG"}, RatingsWithin("TV-PG"))
	require.Equal(t, RatingsWithin("PG"), RatingsWithin("TV-PG"), "the two scales share one ladder")
	require.Equal(t, []string{"G", "PG", "PG-13", "R", "TV-Y", "TV-G", "TV-PG", "TV-14"}, RatingsWithin("R"))
	require.Empty(t, RatingsWithin("X"), "an unknown limit admits nothing")
	require.False(t, RatingWithin("X", "TV-MA"))
	kids := Restriction{Ratings: RatingsWithin("PG")}
	require.True(t, kids.Allows(Class{}), "unrated classes are shown to every profile")
	require.True(t, Restriction{Ratings: []string{}}.Allows(Class{}), "even under a limit admitting no rating")
	require.False(t, kids.Allows(Class{ContentRating: "R"}))
	require.True(t, kids.Allows(Class{ContentRating: "TV-G"}))
	require.True(t, Restriction{}.Allows(Class{ContentRating: "NC-17"}), "the zero restriction allows everything")
	chosen := Restriction{Ratings: RatingsWithin("TV-PG"), ClassIDs: []string{"a"}}
	require.True(t, chosen.Allows(Class{ID: "a", ContentRating: "G"}))
	require.False(t, chosen.Allows(Class{ID: "b", ContentRating: "G"}), "a title not chosen is not shown")
	require.False(t, chosen.Allows(Class{ID: "a", ContentRating: "R"}), "a chosen title beyond the limit is not shown either")
	require.False(t, Restriction{ClassIDs: []string{}}.Allows(Class{ID: "a"}), "no title chosen shows nothing")
}
