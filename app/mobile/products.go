package mobile

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/product"
)

// ProductBody is a product of the store section as the app shows it.
type ProductBody struct {
	ID          string    `json:"id" format:"uuid"`
	Name        string    `json:"name" example:"Protein Powder"`
	Description string    `json:"description"`
	Image       string    `json:"image" doc:"Absolute http(s) URL, or empty."`
	Price       *string   `json:"price" example:"29.99" doc:"Exact decimal with the currency's minor digits; null when no price is shown."`
	Currency    string    `json:"currency" example:"USD"`
	ExternalURL string    `json:"externalUrl" doc:"Where to buy it: absolute http(s) URL, or empty."`
	ProductType string    `json:"productType" example:"Supplements"`
	Featured    bool      `json:"featured"`
	SortOrder   int       `json:"sortOrder"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func productBody(p product.Product) ProductBody {
	b := ProductBody{ID: p.ID, Name: p.Name, Description: p.Description, Image: p.Image, Currency: p.Currency, ExternalURL: p.ExternalURL,
		ProductType: p.ProductType, Featured: p.Featured, SortOrder: p.SortOrder, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.Price != "" {
		price := p.Price
		b.Price = &price
	}
	return b
}

// ListProductsInput pages the store section.
type ListProductsInput struct {
	ProductType string `query:"productType" maxLength:"60" doc:"Only products of this type (any case)."`
	Search      string `query:"search" maxLength:"100" doc:"Name or description containing this, any case."`
	Sort        string `query:"sort" enum:"newest,oldest,price_asc,price_desc,sort_order" default:"sort_order" doc:"sort_order (the partner's display order) by default; products without a price come last in price sorts."`
	Page        int    `query:"page" minimum:"1" maximum:"100000" default:"1"`
	Limit       int    `query:"limit" minimum:"1" maximum:"50" default:"20" doc:"Results per page, 1 to 50."`
}

// ProductsOutput is a page of products.
type ProductsOutput struct {
	Body surface.Envelope[struct {
		Products   []ProductBody      `json:"products"`
		Pagination surface.Pagination `json:"pagination"`
	}]
}

// ProductIDInput names a product.
type ProductIDInput struct {
	ID string `path:"id" format:"uuid"`
}

// ProductOutput is one product.
type ProductOutput struct {
	Body surface.Envelope[ProductBody]
}

// ProductTypesOutput lists product types.
type ProductTypesOutput struct {
	Body surface.Envelope[struct {
		Types []ProductTypeBody `json:"types"`
	}]
}

// ProductTypeBody is a product type with its count of active products.
type ProductTypeBody struct {
	Name  string `json:"name" example:"Supplements"`
	Count int    `json:"count" example:"3"`
}

func registerProducts(s *surface.Surface, products *product.Service) {
	read := surface.Permit("app:products:read", surface.APIKey)
	huma.Register(s.API, huma.Operation{
		OperationID: "list-products", Method: http.MethodGet, Path: "/products", Tags: []string{"products"},
		Summary: "List the store section's products", Description: "Active products of every partner of the client, page by page.",
		Metadata: read, Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListProductsInput) (*ProductsOutput, error) {
		page, limit := max(in.Page, 1), max(in.Limit, 1)
		f := product.Filter{Status: product.StatusActive, ProductType: in.ProductType, Search: in.Search, Sort: in.Sort}
		p, err := products.List(ctx, surface.PrincipalFrom(ctx).TenantID, f, (page-1)*limit, limit)
		if err != nil {
			return nil, err
		}
		out := &ProductsOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.Products = make([]ProductBody, len(p.Products))
		for i, pr := range p.Products {
			out.Body.Data.Products[i] = productBody(pr)
		}
		out.Body.Data.Pagination = surface.NewPagination(page, limit, p.Total)
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-product-types", Method: http.MethodGet, Path: "/products/types", Tags: []string{"products"},
		Summary: "Product types with their counts", Description: "Types of active products, by name; products without a type are not counted.",
		Metadata: read,
	}, func(ctx context.Context, _ *struct{}) (*ProductTypesOutput, error) {
		ts, err := products.Types(ctx, surface.PrincipalFrom(ctx).TenantID)
		if err != nil {
			return nil, err
		}
		out := &ProductTypesOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.Types = make([]ProductTypeBody, len(ts))
		for i, t := range ts {
			out.Body.Data.Types[i] = ProductTypeBody{Name: t.Name, Count: t.Count}
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-product", Method: http.MethodGet, Path: "/products/{id}", Tags: []string{"products"},
		Summary: "Get an active product", Description: "A draft or archived product is not found.",
		Metadata: read, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *ProductIDInput) (*ProductOutput, error) {
		p, err := products.Active(ctx, surface.PrincipalFrom(ctx).TenantID, in.ID)
		if err != nil {
			return nil, err
		}
		return &ProductOutput{Body: surface.OK(productBody(p))}, nil
	})
}
