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
	require.True(t, visible("", []string{}), "unrated classes are shown to every profile")
	require.False(t, visible("R", RatingsWithin("PG")))
}
