// Package oauth2 is the generic integration provider: any POS or DSP that grants access by OAuth 2
// authorization code (RFC 6749, with PKCE S256 per RFC 7636) and lists locations over HTTPS with
// the access token. A client configures it per source (authorization and token URLs, client id
// and secret, scopes, the locations URL, optionally menus and userinfo URLs). Every call goes
// through the SSRF-safe client (adapters/safeurl), which dials only public addresses.
package oauth2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	xoauth2 "golang.org/x/oauth2"

	"github.com/stvos/stvos/ports"
)

// Name is the adapter's name in the catalog.
const Name = "oauth2"

// Config is one source's provider, as the client configured it.
type Config struct {
	AuthURL      string
	TokenURL     string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// LocationsURL answers GET, with the bearer token, {"locations": [{"provider_id", "name",
	// "address": {...}}]} in the enterprise API's address shape.
	LocationsURL string
	// MenusURL, optional, answers GET {"menus": [{"provider_id", "name"}]}; "{location_id}" in it
	// is replaced by the location's provider id (escaped), else ?location_id= is added.
	MenusURL string
	// UserInfoURL, optional, names the merchant when the token response carries no merchant_id:
	// its JSON's merchant_id, else its sub.
	UserInfoURL string
}

// Provider is a configured generic OAuth 2 provider.
type Provider struct {
	cfg    Config
	client *http.Client
}

var _ ports.IntegrationProvider = (*Provider)(nil)

// New returns the provider; client must be the SSRF-safe client.
func New(cfg Config, client *http.Client) *Provider { return &Provider{cfg: cfg, client: client} }

// Name implements ports.IntegrationProvider.
func (*Provider) Name() string { return Name }

func (p *Provider) oauth(returnURL string) *xoauth2.Config {
	return &xoauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Scopes: p.cfg.Scopes, RedirectURL: returnURL,
		Endpoint: xoauth2.Endpoint{AuthURL: p.cfg.AuthURL, TokenURL: p.cfg.TokenURL}}
}

// AuthorizationURL implements ports.IntegrationProvider.
func (p *Provider) AuthorizationURL(_ context.Context, r ports.AuthorizationRequest) (string, error) {
	return p.oauth(r.ReturnURL).AuthCodeURL(r.State, xoauth2.S256ChallengeOption(r.Verifier)), nil
}

// Exchange implements ports.IntegrationProvider. The code is bound to the onboarding by PKCE: a
// code issued for another authorization fails the verifier.
func (p *Provider) Exchange(ctx context.Context, r ports.CodeExchange) (ports.Connection, error) {
	ctx = context.WithValue(ctx, xoauth2.HTTPClient, p.client)
	tok, err := p.oauth(r.ReturnURL).Exchange(ctx, r.Code, xoauth2.VerifierOption(r.Verifier))
	if err != nil {
		var re *xoauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 400 && re.Response.StatusCode < 500 {
			reason := "was refused by the provider"
			if re.ErrorCode != "" {
				reason += " (" + re.ErrorCode + ")"
			}
			return ports.Connection{}, ports.Invalid("code", reason)
		}
		return ports.Connection{}, fmt.Errorf("oauth2: token exchange: %w", err)
	}
	c := ports.Connection{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ExpiresAt: tok.Expiry, Type: r.Type}
	if m, ok := tok.Extra("merchant_id").(string); ok && m != "" {
		c.MerchantID = m
		return c, nil
	}
	if p.cfg.UserInfoURL == "" {
		return ports.Connection{}, errors.New("oauth2: the token response names no merchant_id and no userinfo URL is configured")
	}
	var info struct {
		MerchantID string `json:"merchant_id"`
		Sub        string `json:"sub"`
	}
	if err := p.get(ctx, c, p.cfg.UserInfoURL, &info); err != nil {
		return ports.Connection{}, err
	}
	c.MerchantID = info.MerchantID
	if c.MerchantID == "" {
		c.MerchantID = info.Sub
	}
	if c.MerchantID == "" {
		return ports.Connection{}, errors.New("oauth2: userinfo names no merchant")
	}
	return c, nil
}

// get reads JSON from the provider with the connection's token.
func (p *Provider) get(ctx context.Context, c ports.Connection, u string, into any) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("oauth2: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.AccessToken)
	req.Header.Set("Accept", "application/json")
	res, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("oauth2: provider call: %w", err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return ports.Forbidden("PROVIDER_ACCESS_REVOKED", "The provider no longer accepts this connection.")
	case res.StatusCode != http.StatusOK:
		return fmt.Errorf("oauth2: provider answered %d", res.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 4<<20)).Decode(into); err != nil {
		return fmt.Errorf("oauth2: provider answer: %w", err)
	}
	return nil
}

type wireAddress struct {
	FormattedAddress             string  `json:"formatted_address"`
	AddressLine1                 string  `json:"address_line_1"`
	AddressLine2                 string  `json:"address_line_2"`
	AddressLine3                 string  `json:"address_line_3"`
	PostalCode                   string  `json:"postal_code"`
	Locality                     string  `json:"locality"`
	AdministrativeDistrictLevel1 string  `json:"administrative_district_level_1"`
	Country                      string  `json:"country"`
	Latitude                     float64 `json:"latitude"`
	Longitude                    float64 `json:"longitude"`
}

// Locations implements ports.IntegrationProvider.
func (p *Provider) Locations(ctx context.Context, c ports.Connection) ([]ports.ProviderLocation, error) {
	var body struct {
		Locations []struct {
			ProviderID string      `json:"provider_id"`
			Name       string      `json:"name"`
			Address    wireAddress `json:"address"`
		} `json:"locations"`
	}
	if err := p.get(ctx, c, p.cfg.LocationsURL, &body); err != nil {
		return nil, err
	}
	out := make([]ports.ProviderLocation, 0, len(body.Locations))
	for _, l := range body.Locations {
		if l.ProviderID == "" {
			continue
		}
		out = append(out, ports.ProviderLocation{ProviderID: l.ProviderID, Name: l.Name, Address: ports.Address(l.Address)})
	}
	return out, nil
}

// Menus implements ports.IntegrationProvider; without a menus URL the provider lists none.
func (p *Provider) Menus(ctx context.Context, c ports.Connection, locationID string) ([]ports.ProviderMenu, error) {
	if p.cfg.MenusURL == "" {
		return []ports.ProviderMenu{}, nil
	}
	u := p.cfg.MenusURL
	if strings.Contains(u, "{location_id}") {
		u = strings.ReplaceAll(u, "{location_id}", url.PathEscape(locationID))
	} else {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "location_id=" + url.QueryEscape(locationID)
	}
	var body struct {
		Menus []struct {
			ProviderID string `json:"provider_id"`
			Name       string `json:"name"`
		} `json:"menus"`
	}
	if err := p.get(ctx, c, u, &body); err != nil {
		return nil, err
	}
	out := make([]ports.ProviderMenu, 0, len(body.Menus))
	for _, m := range body.Menus {
		out = append(out, ports.ProviderMenu{ProviderID: m.ProviderID, Name: m.Name})
	}
	return out, nil
}
