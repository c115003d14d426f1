package mobile

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/profile"
)

// ClassBody is a class as the app shows it.
type ClassBody struct {
	ID          string `json:"id" format:"uuid"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Instructor  string `json:"instructor"`
	Category    struct {
		ID   string `json:"id" format:"uuid"`
		Name string `json:"name"`
	} `json:"category"`
	DurationSeconds int       `json:"durationSeconds"`
	DurationMinutes int       `json:"durationMinutes" doc:"Rounded up."`
	ThumbnailURL    string    `json:"thumbnailUrl,omitempty"`
	Level           string    `json:"level" enum:"beginner,intermediate,advanced,all"`
	ContentRating   string    `json:"contentRating,omitempty" enum:"G,PG,PG-13,R,NC-17,TV-Y,TV-G,TV-PG,TV-14,TV-MA" doc:"Left out when the class is not rated."`
	CreatedAt       time.Time `json:"createdAt"`
}

func classBody(c catalog.Class) ClassBody {
	b := ClassBody{ID: c.ID, Title: c.Title, Description: c.Description, Instructor: c.Instructor, DurationSeconds: c.DurationSeconds,
		DurationMinutes: (c.DurationSeconds + 59) / 60, ThumbnailURL: c.ThumbnailURL, Level: c.Level, ContentRating: c.ContentRating,
		CreatedAt: c.CreatedAt}
	b.Category.ID, b.Category.Name = c.CategoryID, c.CategoryName
	return b
}

// ListClassesInput pages the catalog.
type ListClassesInput struct {
	Page     int    `query:"page" minimum:"1" maximum:"100000" default:"1"`
	Limit    int    `query:"limit" minimum:"1" maximum:"50" default:"20" doc:"Results per page, 1 to 50."`
	Category string `query:"category" format:"uuid" doc:"A category id."`
	Search   string `query:"search" maxLength:"100" doc:"Title or instructor containing this."`
	Sort     string `query:"sort" enum:"newest,title,duration" default:"newest"`
	ProfileViewer
}

// ProfileViewer is the profile a catalog call is made for, if any.
type ProfileViewer struct {
	ProfileToken string `header:"X-Profile-Token" maxLength:"4096" doc:"A profile token (POST /profiles/{profile_id}/verify-pin of the subscriber surface): only classes rated within the profile's content rating limit, and unrated ones, are shown, and for a kids profile limited to chosen titles only those. Without it, every class is. A token that does not verify is 401 INVALID_PROFILE_TOKEN; a deleted profile's, 404 PROFILE_NOT_FOUND."`
}

// viewer is the profile the call's token names, nil without a token.
func (v ProfileViewer) viewer(ctx context.Context, profiles *profile.Service) (*catalog.Viewer, error) {
	if v.ProfileToken == "" {
		return nil, nil
	}
	ps, err := profiles.ParseToken(ctx, surface.PrincipalFrom(ctx).TenantID, v.ProfileToken)
	if err != nil {
		return nil, err
	}
	return &catalog.Viewer{UserID: ps.UserID, ProfileID: ps.ProfileID}, nil
}

// ClassesOutput is a page of classes.
type ClassesOutput struct {
	Body surface.Envelope[struct {
		Classes    []ClassBody        `json:"classes"`
		Pagination surface.Pagination `json:"pagination"`
	}]
}

// ClassIDInput names a class.
type ClassIDInput struct {
	ID string `path:"id" format:"uuid"`
	ProfileViewer
}

// ClassOutput is one class.
type ClassOutput struct {
	Body surface.Envelope[ClassBody]
}

// CategoriesOutput lists categories.
type CategoriesOutput struct {
	Body surface.Envelope[struct {
		Categories []CategoryBody `json:"categories"`
	}]
}

// CategoryBody is a category with its count of published classes.
type CategoryBody struct {
	ID          string `json:"id" format:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ClassCount  int    `json:"classCount"`
}

func registerCatalog(s *surface.Surface, cat *catalog.Service, profiles *profile.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "list-classes", Method: http.MethodGet, Path: "/classes", Tags: []string{"catalog"},
		Summary: "List published classes",
		Description: "Page by page, by category and search, newest first unless sorted otherwise. With X-Profile-Token, only " +
			"the classes rated within the profile's content rating limit, and unrated ones.",
		Metadata: surface.Permit("app:catalog:read", surface.APIKey),
		Errors:   []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListClassesInput) (*ClassesOutput, error) {
		page, limit := max(in.Page, 1), max(in.Limit, 1)
		viewer, err := in.viewer(ctx, profiles)
		if err != nil {
			return nil, err
		}
		p, err := cat.Classes(ctx, surface.PrincipalFrom(ctx).TenantID, catalog.ClassFilter{CategoryID: in.Category, Search: in.Search,
			Sort: in.Sort, PublishedOnly: true, Viewer: viewer}, (page-1)*limit, limit)
		if err != nil {
			return nil, err
		}
		out := &ClassesOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.Classes = make([]ClassBody, len(p.Classes))
		for i, c := range p.Classes {
			out.Body.Data.Classes[i] = classBody(c)
		}
		out.Body.Data.Pagination = surface.NewPagination(page, limit, p.Total)
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-class", Method: http.MethodGet, Path: "/classes/{id}", Tags: []string{"catalog"},
		Summary: "Get a published class",
		Description: "With X-Profile-Token, a class rated beyond the profile's limit (or, for a kids profile limited to chosen " +
			"titles, not one of them) is not found.",
		Metadata: surface.Permit("app:catalog:read", surface.APIKey), Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, func(ctx context.Context, in *ClassIDInput) (*ClassOutput, error) {
		viewer, err := in.viewer(ctx, profiles)
		if err != nil {
			return nil, err
		}
		c, err := cat.ClassFor(ctx, surface.PrincipalFrom(ctx).TenantID, in.ID, true, viewer)
		if err != nil {
			return nil, err
		}
		return &ClassOutput{Body: surface.OK(classBody(c))}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-categories", Method: http.MethodGet, Path: "/categories", Tags: []string{"catalog"},
		Summary:     "Categories with their published class counts",
		Description: "With X-Profile-Token, the counts are of the classes the profile may be shown.",
		Metadata:    surface.Permit("app:catalog:read", surface.APIKey), Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, func(ctx context.Context, in *ProfileViewer) (*CategoriesOutput, error) {
		viewer, err := in.viewer(ctx, profiles)
		if err != nil {
			return nil, err
		}
		cs, err := cat.Categories(ctx, surface.PrincipalFrom(ctx).TenantID, true, viewer)
		if err != nil {
			return nil, err
		}
		out := &CategoriesOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.Categories = make([]CategoryBody, len(cs))
		for i, c := range cs {
			out.Body.Data.Categories[i] = CategoryBody{ID: c.ID, Name: c.Name, Description: c.Description, ClassCount: c.Classes}
		}
		return out, nil
	})
}
