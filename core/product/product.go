// Package product is a client's store section: affiliate products that partner staff list with a
// price and an external buy link, and that the client's apps show while they are active. Each
// partner manages the products it created; the app shows the active products of every partner of
// the client.
package product

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stvos/stvos/core/money"
	"github.com/stvos/stvos/ports"
)

// The statuses of a product: only active ones reach the app.
const (
	StatusDraft    = "draft"
	StatusActive   = "active"
	StatusArchived = "archived"
)

// Sorts of a product list.
const (
	SortNewest    = "newest"
	SortOldest    = "oldest"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortOrder     = "sort_order"
)

// Limits of product fields.
const (
	MaxNameLength        = 200
	MaxDescriptionLength = 5000
	MaxTypeLength        = 60
	MaxURLLength         = 2048
	MaxSortOrder         = 1_000_000
	DefaultCurrency      = "USD"
	MaxPageSize          = 50
)

// Product is one product. Price is an exact decimal with exactly the currency's minor digits
// ("29.99" USD, "500" JPY; see money.Normalize), or "" when the product shows no price.
type Product struct {
	ID          string
	TenantID    string
	PartnerID   string
	Name        string
	Description string
	Image       string
	Price       string
	Currency    string
	ExternalURL string
	ProductType string
	Featured    bool
	Status      string
	SortOrder   int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Change is what staff write of a product; nil fields stay as they are (on create they take
// their defaults). An empty Price removes the price.
type Change struct {
	Name        *string
	Description *string
	Image       *string
	Price       *string
	Currency    *string
	ExternalURL *string
	ProductType *string
	Featured    *bool
	Status      *string
	SortOrder   *int
}

// apply writes the change's fields onto p, normalizing text (trimmed, currency upper-cased).
func (c Change) apply(p *Product) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&p.Name, c.Name)
	set(&p.Description, c.Description)
	set(&p.Image, c.Image)
	set(&p.Price, c.Price)
	set(&p.ExternalURL, c.ExternalURL)
	set(&p.ProductType, c.ProductType)
	set(&p.Status, c.Status)
	if c.Currency != nil {
		p.Currency = strings.ToUpper(strings.TrimSpace(*c.Currency))
	}
	if c.Featured != nil {
		p.Featured = *c.Featured
	}
	if c.SortOrder != nil {
		p.SortOrder = *c.SortOrder
	}
}

// validate checks a product as it would be stored and normalizes its price to the currency's
// digits; fields are named as the API names them.
func (p *Product) validate(v *ports.Validation, currencies ports.Currencies) {
	n := utf8.RuneCountInString(p.Name)
	v.Check(n >= 1 && n <= MaxNameLength, "name", "must be 1 to 200 characters")
	v.Check(utf8.RuneCountInString(p.Description) <= MaxDescriptionLength, "description", "must be at most 5000 characters")
	v.Check(p.Image == "" || ValidURL(p.Image), "image", "must be an absolute http(s) URL")
	v.Check(p.ExternalURL == "" || ValidURL(p.ExternalURL), "externalUrl", "must be an absolute http(s) URL")
	v.Check(utf8.RuneCountInString(p.ProductType) <= MaxTypeLength, "productType", "must be at most 60 characters")
	v.Check(ValidStatus(p.Status), "status", "must be draft, active or archived")
	v.Check(p.SortOrder >= -MaxSortOrder && p.SortOrder <= MaxSortOrder, "sortOrder", "must be between -1000000 and 1000000")
	digits, ok := currencies.MinorDigits(p.Currency)
	if !v.Check(ok, "currency", money.CurrencyReason) || p.Price == "" {
		return
	}
	price, reason := money.Normalize(p.Price, digits)
	if v.Check(reason == "", "price", reason) {
		p.Price = price
	}
}

// ValidStatus reports whether s is a product status.
func ValidStatus(s string) bool { return s == StatusDraft || s == StatusActive || s == StatusArchived }

// ValidSort reports whether s is a sort of the product list.
func ValidSort(s string) bool {
	switch s {
	case SortNewest, SortOldest, SortPriceAsc, SortPriceDesc, SortOrder:
		return true
	}
	return false
}

// ValidURL reports whether s is an absolute http or https URL of bounded length, without
// credentials.
func ValidURL(s string) bool {
	if len(s) > MaxURLLength || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// Filter narrows a product list.
type Filter struct {
	// PartnerID, when set, keeps that partner's products (the portal); the app lists them all.
	PartnerID   string
	Status      string
	ProductType string
	Search      string
	Sort        string
}

// Type is a product type with how many active products have it.
type Type struct {
	Name  string
	Count int
}
