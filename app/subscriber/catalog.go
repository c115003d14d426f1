package subscriber

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/ports"
)

// CategoryBody is a category as admins see it.
type CategoryBody struct {
	ID          string    `json:"id" format:"uuid"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	ClassCount  int       `json:"class_count" doc:"Classes in the category, published or not."`
	CreatedAt   time.Time `json:"created_at"`
}

// CreateCategoryInput adds a category.
type CreateCategoryInput struct {
	Body struct {
		Name        string `json:"name" minLength:"1" maxLength:"100"`
		Description string `json:"description,omitempty" maxLength:"500"`
	}
}

// CategoryOutput is one category.
type CategoryOutput struct{ Body CategoryBody }

// CategoryListOutput lists categories.
type CategoryListOutput struct {
	Body struct {
		Data []CategoryBody `json:"data"`
	}
}

// ClassBody is a class as admins see it.
type ClassBody struct {
	ID              string    `json:"id" format:"uuid"`
	CategoryID      string    `json:"category_id" format:"uuid"`
	CategoryName    string    `json:"category_name"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	Instructor      string    `json:"instructor"`
	DurationSeconds int       `json:"duration_seconds"`
	ThumbnailURL    string    `json:"thumbnail_url,omitempty"`
	Level           string    `json:"level" enum:"beginner,intermediate,advanced,all"`
	ContentRating   *string   `json:"content_rating" nullable:"true" enum:"G,PG,PG-13,R,NC-17,TV-Y,TV-G,TV-PG,TV-14,TV-MA" doc:"Null: not rated (shown to every profile)."`
	Published       bool      `json:"published"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func classBody(c catalog.Class) ClassBody {
	b := ClassBody{ID: c.ID, CategoryID: c.CategoryID, CategoryName: c.CategoryName, Title: c.Title, Description: c.Description,
		Instructor: c.Instructor, DurationSeconds: c.DurationSeconds, ThumbnailURL: c.ThumbnailURL, Level: c.Level, Published: c.Published,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if c.ContentRating != "" {
		r := c.ContentRating
		b.ContentRating = &r
	}
	return b
}

// ClassFields are the fields an admin writes.
type ClassFields struct {
	CategoryID      string `json:"category_id" format:"uuid"`
	Title           string `json:"title" minLength:"1" maxLength:"200"`
	Description     string `json:"description,omitempty" maxLength:"5000"`
	Instructor      string `json:"instructor,omitempty" maxLength:"100"`
	DurationSeconds int    `json:"duration_seconds" minimum:"1" maximum:"86400"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty" maxLength:"2048" doc:"Absolute http(s) URL."`
	Level           string `json:"level,omitempty" enum:"beginner,intermediate,advanced,all" doc:"Defaults to all."`
	ContentRating   string `json:"content_rating,omitempty" enum:"G,PG,PG-13,R,NC-17,TV-Y,TV-G,TV-PG,TV-14,TV-MA" doc:"Left out: not rated, shown to every profile. A profile is shown only the classes rated within its content rating limit."`
	Published       bool   `json:"published,omitempty" doc:"Only published classes reach the app."`
}

func (f ClassFields) input() catalog.ClassInput {
	return catalog.ClassInput{CategoryID: f.CategoryID, Title: f.Title, Description: f.Description, Instructor: f.Instructor,
		DurationSeconds: f.DurationSeconds, ThumbnailURL: f.ThumbnailURL, Level: f.Level, ContentRating: f.ContentRating, Published: f.Published}
}

// CreateClassInput adds a class.
type CreateClassInput struct {
	Body ClassFields
}

// ClassIDInput names a class.
type ClassIDInput struct {
	ClassID string `path:"class_id" format:"uuid"`
}

// UpdateClassInput replaces a class.
type UpdateClassInput struct {
	ClassIDInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the class changed since."`
	Body    ClassFields
}

// DeleteClassInput deletes a class.
type DeleteClassInput struct {
	ClassIDInput
	IfMatch string `header:"If-Match"`
}

// ClassOutput is one class with its ETag.
type ClassOutput struct {
	ETag string `header:"ETag"`
	Body ClassBody
}

func classOutput(c catalog.Class) *ClassOutput {
	return &ClassOutput{ETag: surface.ETag(c.Version), Body: classBody(c)}
}

// ListClassesInput pages the catalog for admins.
type ListClassesInput struct {
	Cursor   string `query:"cursor" maxLength:"16" doc:"Opaque cursor from meta.next_cursor."`
	Limit    int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Category string `query:"category_id" format:"uuid"`
	Search   string `query:"q" maxLength:"100" doc:"Title or instructor containing this."`
}

// ClassListOutput is a page of classes.
type ClassListOutput struct {
	Body surface.CursorPage[ClassBody]
}

func registerCatalog(s *surface.Surface, cat *catalog.Service) {
	admin := func(perm string) map[string]any { return surface.Permit(perm, surface.UserToken) }
	tenantOf := func(ctx context.Context) string { return surface.PrincipalFrom(ctx).TenantID }
	huma.Register(s.API, huma.Operation{
		OperationID: "list-categories", Method: http.MethodGet, Path: "/admin/categories", Tags: []string{"admin-catalog"},
		Summary: "List categories (admin)", Metadata: admin("admin:catalog:read"),
	}, func(ctx context.Context, _ *struct{}) (*CategoryListOutput, error) {
		cs, err := cat.Categories(ctx, tenantOf(ctx), false, nil)
		if err != nil {
			return nil, err
		}
		out := &CategoryListOutput{}
		out.Body.Data = make([]CategoryBody, len(cs))
		for i, c := range cs {
			out.Body.Data[i] = CategoryBody{ID: c.ID, Name: c.Name, Description: c.Description, ClassCount: c.Classes, CreatedAt: c.CreatedAt}
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-category", Method: http.MethodPost, Path: "/admin/categories", Tags: []string{"admin-catalog"},
		Summary: "Create a category (admin)", Description: "Names are unique in the client, any case.", DefaultStatus: http.StatusCreated,
		Metadata: admin("admin:catalog:write"), Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateCategoryInput) (*CategoryOutput, error) {
		c, err := cat.CreateCategory(ctx, tenantOf(ctx), in.Body.Name, in.Body.Description)
		if err != nil {
			return nil, err
		}
		return &CategoryOutput{Body: CategoryBody{ID: c.ID, Name: c.Name, Description: c.Description, CreatedAt: c.CreatedAt}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-classes", Method: http.MethodGet, Path: "/admin/classes", Tags: []string{"admin-catalog"},
		Summary: "List classes (admin)", Description: "Published or not, newest first, cursor-paginated.",
		Metadata: admin("admin:catalog:read"), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListClassesInput) (*ClassListOutput, error) {
		offset := 0
		if in.Cursor != "" {
			n, err := strconv.Atoi(in.Cursor)
			if err != nil || n < 0 {
				return nil, ports.Invalid("cursor", "is not a cursor this API returned")
			}
			offset = n
		}
		limit := max(in.Limit, 1)
		p, err := cat.Classes(ctx, tenantOf(ctx), catalog.ClassFilter{CategoryID: in.Category, Search: in.Search}, offset, limit)
		if err != nil {
			return nil, err
		}
		items := make([]ClassBody, len(p.Classes))
		for i, c := range p.Classes {
			items[i] = classBody(c)
		}
		next := offset + len(items)
		page := surface.NewCursorPage(items, next < p.Total, limit, func(ClassBody) string { return strconv.Itoa(next) })
		return &ClassListOutput{Body: page}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-class", Method: http.MethodPost, Path: "/admin/classes", Tags: []string{"admin-catalog"},
		Summary: "Create a class (admin)", DefaultStatus: http.StatusCreated, Metadata: admin("admin:catalog:write"),
		Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateClassInput) (*ClassOutput, error) {
		c, err := cat.CreateClass(ctx, tenantOf(ctx), in.Body.input())
		if err != nil {
			return nil, err
		}
		return classOutput(c), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-class", Method: http.MethodGet, Path: "/admin/classes/{class_id}", Tags: []string{"admin-catalog"},
		Summary: "Get a class (admin)", Metadata: admin("admin:catalog:read"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *ClassIDInput) (*ClassOutput, error) {
		c, err := cat.Class(ctx, tenantOf(ctx), in.ClassID, false)
		if err != nil {
			return nil, err
		}
		return classOutput(c), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-class", Method: http.MethodPut, Path: "/admin/classes/{class_id}", Tags: []string{"admin-catalog"},
		Summary: "Replace a class (admin)", Metadata: admin("admin:catalog:write"),
		Errors: []int{http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *UpdateClassInput) (*ClassOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		c, err := cat.UpdateClass(ctx, tenantOf(ctx), in.ClassID, in.Body.input(), v)
		if err != nil {
			return nil, err
		}
		return classOutput(c), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "delete-class", Method: http.MethodDelete, Path: "/admin/classes/{class_id}", Tags: []string{"admin-catalog"},
		Summary: "Delete a class (admin)", Description: "It leaves the app at once; viewing history and analytics keep its title.",
		DefaultStatus: http.StatusNoContent, Metadata: admin("admin:catalog:write"),
		Errors: []int{http.StatusNotFound, http.StatusPreconditionFailed},
	}, func(ctx context.Context, in *DeleteClassInput) (*struct{}, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return nil, cat.DeleteClass(ctx, tenantOf(ctx), in.ClassID, v)
	})
}
