package surface

import (
	"strconv"
	"strings"

	"github.com/stvos/stvos/ports"
)

// Envelope is the success body of the enveloped surfaces: {"success": true, "data": ...}.
type Envelope[T any] struct {
	Success bool `json:"success" doc:"Always true."`
	Data    T    `json:"data"`
}

// Empty is the data of an answer that carries nothing but success.
type Empty struct{}

// OK wraps data in a success envelope.
func OK[T any](data T) Envelope[T] { return Envelope[T]{Success: true, Data: data} }

// CursorMeta is the pagination block of cursor-paginated lists on the flat surfaces.
type CursorMeta struct {
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
	HasMore    bool   `json:"has_more" doc:"Whether another page exists."`
	Limit      int    `json:"limit" doc:"The page size used."`
}

// CursorPage is a page of a cursor-paginated list.
type CursorPage[T any] struct {
	Data []T        `json:"data"`
	Meta CursorMeta `json:"meta"`
}

// NewCursorPage builds a page; next is the cursor of the last item when more exist.
func NewCursorPage[T any](items []T, more bool, limit int, next func(T) string) CursorPage[T] {
	if items == nil {
		items = []T{}
	}
	p := CursorPage[T]{Data: items, Meta: CursorMeta{HasMore: more, Limit: limit}}
	if more && len(items) > 0 {
		p.Meta.NextCursor = next(items[len(items)-1])
	}
	return p
}

// IfMatchVersion reads an If-Match header holding an ETag this API returned ("7" or W/"7");
// empty means no precondition (0). Anything else fails the precondition.
func IfMatchVersion(h string) (int, error) {
	if h == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v <= 0 {
		return 0, &ports.Error{Kind: ports.ErrPrecondition, Code: "PRECONDITION_FAILED", Message: "If-Match is not an ETag this API returned."}
	}
	return v, nil
}

// ETag renders a version as an ETag.
func ETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// PageInput is the page/limit pagination of the enveloped surfaces.
type PageInput struct {
	Page  int `query:"page" minimum:"1" maximum:"100000" default:"1" doc:"Page number, from 1."`
	Limit int `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Results per page, 1 to 100."`
}

// Pages returns the page and limit with their defaults.
func (p PageInput) Pages() (page, limit int) {
	page, limit = max(p.Page, 1), p.Limit
	if limit <= 0 {
		limit = 20
	}
	return page, limit
}

// Pagination describes one page of a page/limit list.
type Pagination struct {
	Page       int `json:"page"`
	Limit      int `json:"limit"`
	Total      int `json:"total" doc:"Items matching, on every page."`
	TotalPages int `json:"totalPages"`
}

// NewPagination describes the page of a list of total items.
func NewPagination(page, limit, total int) Pagination {
	return Pagination{Page: page, Limit: limit, Total: total, TotalPages: (total + limit - 1) / limit}
}
