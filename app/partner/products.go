package partner

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/product"
)

// ProductBody is a product as the portal shows it.
type ProductBody struct {
	ID          string    `json:"id" format:"uuid"`
	Name        string    `json:"name" example:"Protein Powder"`
	Description string    `json:"description" example:"Premium whey protein isolate"`
	Image       string    `json:"image" example:"https://example.com/image.jpg"`
	Price       *string   `json:"price" example:"29.99" doc:"Exact decimal with the currency's minor digits; null when no price is shown."`
	Currency    string    `json:"currency" example:"USD"`
	ExternalURL string    `json:"externalUrl" example:"https://shop.example.com/protein"`
	ProductType string    `json:"productType" example:"Supplements"`
	Featured    bool      `json:"featured"`
	Status      string    `json:"status" enum:"draft,active,archived"`
	SortOrder   int       `json:"sortOrder"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func productBody(p product.Product) ProductBody {
	b := ProductBody{ID: p.ID, Name: p.Name, Description: p.Description, Image: p.Image, Currency: p.Currency, ExternalURL: p.ExternalURL,
		ProductType: p.ProductType, Featured: p.Featured, Status: p.Status, SortOrder: p.SortOrder, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.Price != "" {
		price := p.Price
		b.Price = &price
	}
	return b
}

// ProductFields are the writable fields; on update only those sent change.
type ProductFields struct {
	Name        *string `json:"name,omitempty" maxLength:"200" example:"Protein Powder" doc:"1 to 200 characters. Required on create."`
	Description *string `json:"description,omitempty" maxLength:"5000"`
	Image       *string `json:"image,omitempty" maxLength:"2048" doc:"Absolute http(s) URL; empty removes it."`
	Price       *string `json:"price,omitempty" maxLength:"20" example:"29.99" doc:"A decimal string with at most the currency's minor digits (29.99 USD, 500 JPY), never rounded; empty removes the price."`
	Currency    *string `json:"currency,omitempty" maxLength:"3" example:"USD" doc:"ISO 4217 code; USD by default."`
	ExternalURL *string `json:"externalUrl,omitempty" maxLength:"2048" doc:"Absolute http(s) URL of the buy page; empty removes it."`
	ProductType *string `json:"productType,omitempty" maxLength:"60" example:"Supplements" doc:"Free-text category."`
	Featured    *bool   `json:"featured,omitempty" doc:"false by default."`
	Status      *string `json:"status,omitempty" enum:"draft,active,archived" doc:"draft by default; only active products reach the app."`
	SortOrder   *int    `json:"sortOrder,omitempty" minimum:"-1000000" maximum:"1000000" doc:"Display order, lowest first; 0 by default."`
}

func (f ProductFields) change() product.Change {
	return product.Change{Name: f.Name, Description: f.Description, Image: f.Image, Price: f.Price, Currency: f.Currency,
		ExternalURL: f.ExternalURL, ProductType: f.ProductType, Featured: f.Featured, Status: f.Status, SortOrder: f.SortOrder}
}

// CreateProductInput is a new product.
type CreateProductInput struct {
	Body ProductFields
}

// UpdateProductInput changes a product.
type UpdateProductInput struct {
	ID   string `path:"id" format:"uuid" doc:"The product's id."`
	Body ProductFields
}

// ProductIDInput names a product.
type ProductIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The product's id."`
}

// ProductOutput is one product.
type ProductOutput struct {
	Body surface.Envelope[ProductBody]
}

// ListProductsInput filters the partner's products.
type ListProductsInput struct {
	Status      string `query:"status" enum:"draft,active,archived" doc:"Only products with this status."`
	ProductType string `query:"productType" maxLength:"60" doc:"Only products of this type (any case)."`
	Search      string `query:"search" maxLength:"100" doc:"Name or description containing this, any case."`
	Sort        string `query:"sort" enum:"newest,oldest,price_asc,price_desc,sort_order" default:"newest" doc:"Products without a price come last in price sorts."`
	Page        int    `query:"page" minimum:"1" maximum:"100000" default:"1" doc:"Page number, from 1."`
	Limit       int    `query:"limit" minimum:"1" maximum:"50" default:"20" doc:"Results per page, 1 to 50."`
}

// ProductsOutput is a page of products.
type ProductsOutput struct {
	Body surface.Envelope[struct {
		Products   []ProductBody      `json:"products"`
		Pagination surface.Pagination `json:"pagination"`
	}]
}

// DeletedOutput answers a deletion.
type DeletedOutput struct {
	Body surface.Envelope[struct {
		ID      string `json:"id" format:"uuid"`
		Deleted bool   `json:"deleted"`
	}]
}

func productStaff(ctx context.Context) product.Staff {
	p := surface.PrincipalFrom(ctx)
	return product.Staff{TenantID: p.TenantID, PartnerID: p.PartnerID, Actor: p.Actor()}
}

func registerProducts(s *surface.Surface, products *product.Service) {
	const mine = " Each partner manages the products it created; another partner's product is not found (404)."
	huma.Register(s.API, huma.Operation{
		OperationID: "list-partner-products", Method: http.MethodGet, Path: "/partner/products", Tags: []string{"products"},
		Summary: "List the partner's products", Description: "Every status, filtered, searched, sorted, page by page (at most 50)." + mine,
		Metadata: surface.Permit("partner:products:read", surface.StaffToken), Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *ListProductsInput) (*ProductsOutput, error) {
		by := productStaff(ctx)
		page, limit := max(in.Page, 1), in.Limit
		if limit == 0 {
			limit = 20
		}
		f := product.Filter{PartnerID: by.PartnerID, Status: in.Status, ProductType: in.ProductType, Search: in.Search, Sort: in.Sort}
		p, err := products.List(ctx, by.TenantID, f, (page-1)*limit, limit)
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
		OperationID: "create-partner-product", Method: http.MethodPost, Path: "/partner/products", Tags: []string{"products"},
		Summary: "Create a product",
		Description: "name is required; the other fields take their defaults (USD, no price, not featured, draft, sort order 0). " +
			"Admins and owners; audit-logged.",
		DefaultStatus: http.StatusCreated, Metadata: surface.Permit("partner:products:write", surface.StaffToken),
		Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateProductInput) (*ProductOutput, error) {
		p, err := products.Create(ctx, productStaff(ctx), in.Body.change())
		if err != nil {
			return nil, err
		}
		return &ProductOutput{Body: surface.OK(productBody(p))}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-partner-product", Method: http.MethodGet, Path: "/partner/products/{id}", Tags: []string{"products"},
		Summary: "Get a product", Description: "One of the partner's products, whatever its status." + mine,
		Metadata: surface.Permit("partner:products:read", surface.StaffToken), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *ProductIDInput) (*ProductOutput, error) {
		p, err := products.Get(ctx, productStaff(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &ProductOutput{Body: surface.OK(productBody(p))}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-partner-product", Method: http.MethodPut, Path: "/partner/products/{id}", Tags: []string{"products"},
		Summary: "Change a product",
		Description: "Only the fields sent change; the answer is the product as stored. Setting status to archived takes it " +
			"out of the app and keeps it in the portal. Admins and owners; audit-logged." + mine,
		Metadata: surface.Permit("partner:products:write", surface.StaffToken), Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *UpdateProductInput) (*ProductOutput, error) {
		p, err := products.Update(ctx, productStaff(ctx), in.ID, in.Body.change())
		if err != nil {
			return nil, err
		}
		return &ProductOutput{Body: surface.OK(productBody(p))}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "delete-partner-product", Method: http.MethodDelete, Path: "/partner/products/{id}", Tags: []string{"products"},
		Summary:     "Delete a product",
		Description: "Permanently. Admins and owners; audit-logged. To hide a product and keep it, archive it instead." + mine,
		Metadata:    surface.Permit("partner:products:write", surface.StaffToken), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *ProductIDInput) (*DeletedOutput, error) {
		if err := products.Delete(ctx, productStaff(ctx), in.ID); err != nil {
			return nil, err
		}
		out := &DeletedOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.ID, out.Body.Data.Deleted = in.ID, true
		return out, nil
	})
}
