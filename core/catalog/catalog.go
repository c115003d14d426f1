// Package catalog is what a client's members can watch: categories and classes, managed by the
// client's admins, listed to the app. Only published classes reach the app; a deleted class
// leaves the app at once but keeps its title in viewing history and analytics.
package catalog

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/ports"
)

// The levels of a class.
const (
	LevelBeginner     = "beginner"
	LevelIntermediate = "intermediate"
	LevelAdvanced     = "advanced"
	LevelAll          = "all"
)

// Limits of catalog fields.
const (
	MaxNameLength        = 100
	MaxTitleLength       = 200
	MaxDescriptionLength = 5000
	MaxDurationSeconds   = 24 * 60 * 60
	MaxURLLength         = 2048
)

// Category groups classes.
type Category struct {
	ID          string
	TenantID    string
	Name        string
	Description string
	CreatedAt   time.Time
	// Classes counts the category's classes (published ones, as the app sees them).
	Classes int
}

// Class is a video class.
type Class struct {
	ID              string
	TenantID        string
	CategoryID      string
	CategoryName    string
	Title           string
	Description     string
	Instructor      string
	DurationSeconds int
	ThumbnailURL    string
	Level           string
	ContentRating   string // one of Ratings, or empty: not rated
	Published       bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int
}

// ClassInput is what an admin writes of a class.
type ClassInput struct {
	CategoryID      string
	Title           string
	Description     string
	Instructor      string
	DurationSeconds int
	ThumbnailURL    string
	Level           string
	ContentRating   string // one of Ratings, or empty: not rated
	Published       bool
}

func (in *ClassInput) validate(v *ports.Validation) {
	in.Title, in.Instructor = strings.TrimSpace(in.Title), strings.TrimSpace(in.Instructor)
	if in.Level == "" {
		in.Level = LevelAll
	}
	n := utf8.RuneCountInString(in.Title)
	v.Check(n >= 1 && n <= MaxTitleLength, "title", "must be 1 to 200 characters")
	v.Check(utf8.RuneCountInString(in.Description) <= MaxDescriptionLength, "description", "must be at most 5000 characters")
	v.Check(utf8.RuneCountInString(in.Instructor) <= MaxNameLength, "instructor", "must be at most 100 characters")
	v.Check(in.DurationSeconds >= 1 && in.DurationSeconds <= MaxDurationSeconds, "duration_seconds", "must be between 1 and 86400")
	v.Check(in.ThumbnailURL == "" || ValidURL(in.ThumbnailURL), "thumbnail_url", "must be an absolute http(s) URL")
	v.Check(validLevel(in.Level), "level", "must be beginner, intermediate, advanced or all")
	v.Check(in.ContentRating == "" || ValidRating(in.ContentRating), "content_rating", "must be one of "+RatingsText)
	v.Check(ports.IsID(in.CategoryID), "category_id", "must be a category id")
}

func validLevel(l string) bool {
	return l == LevelBeginner || l == LevelIntermediate || l == LevelAdvanced || l == LevelAll
}

// ValidURL reports whether s is an absolute http or https URL of bounded length.
func ValidURL(s string) bool {
	if len(s) > MaxURLLength {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// Sorts of the app's class list.
const (
	SortNewest   = "newest"
	SortTitle    = "title"
	SortDuration = "duration"
)

// ClassFilter narrows a class listing.
type ClassFilter struct {
	CategoryID string
	Search     string
	Sort       string
	// PublishedOnly is what the app sees.
	PublishedOnly bool
	// Viewer, when set, is the profile the app lists for: only classes within its content
	// rating limit, and unrated ones, are listed (and only its chosen titles, if it has some).
	Viewer *Viewer
	// Only keeps the classes it allows; the service sets it from the Viewer's profile.
	Only Restriction
}
