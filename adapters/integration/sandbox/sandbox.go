// Package sandbox is the built-in integration provider every client can use to try onboarding
// without a real POS or DSP account: its authorization page is served by stvos itself
// (/sandbox/integrations/authorize), approves at once (approve=1 on the entry URL) or after a
// consent form, and sends the merchant back to the return URL with a code and the state. It
// offers a few demo locations and menus. It keeps no state: the authorization URL and the codes
// are signed (HMAC-SHA256) with the server's key, so any server process accepts what another
// issued, and nobody can make the page redirect to a URL stvos did not sign (no open redirect).
package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/stvos/stvos/ports"
)

// Name is the adapter's name in the catalog.
const Name = "sandbox"

// PagePath is where the authorization page is served.
const PagePath = "/sandbox/integrations/authorize"

// CodeTTL is how long a code may wait to be exchanged.
const CodeTTL = 10 * time.Minute

// Provider is the sandbox provider.
type Provider struct {
	key     []byte
	baseURL string
	now     func() time.Time
}

var _ ports.IntegrationProvider = (*Provider)(nil)

// New returns the sandbox; key signs its URLs and codes, baseURL is the server's public URL.
func New(key []byte, baseURL string, now func() time.Time) *Provider {
	if now == nil {
		now = time.Now
	}
	return &Provider{key: key, baseURL: strings.TrimRight(baseURL, "/"), now: now}
}

// Name implements ports.IntegrationProvider.
func (*Provider) Name() string { return Name }

func (p *Provider) mac(parts ...string) string {
	m := hmac.New(sha256.New, p.key)
	for _, s := range parts {
		m.Write([]byte(s))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signedParams are the parameters of the authorization page, in signing order.
var signedParams = []string{"tenant", "source", "type", "state", "redirect_uri"}

func (p *Provider) sign(q url.Values) string {
	parts := []string{"authorize"}
	for _, k := range signedParams {
		parts = append(parts, q.Get(k))
	}
	return p.mac(parts...)
}

// AuthorizationURL implements ports.IntegrationProvider.
func (p *Provider) AuthorizationURL(_ context.Context, r ports.AuthorizationRequest) (string, error) {
	q := url.Values{"tenant": {r.TenantID}, "source": {r.Source}, "type": {r.Type}, "state": {r.State}, "redirect_uri": {r.ReturnURL}}
	q.Set("sig", p.sign(q))
	return p.baseURL + PagePath + "?" + q.Encode(), nil
}

// verify reports whether the page's parameters are as stvos signed them.
func (p *Provider) verify(q url.Values) bool {
	return hmac.Equal([]byte(p.sign(q)), []byte(q.Get("sig")))
}

type codeClaims struct {
	Tenant   string `json:"tn"`
	Source   string `json:"src"`
	Type     string `json:"t"`
	State    string `json:"s"`
	Merchant string `json:"m"`
	Expires  int64  `json:"exp"`
}

// merchantFor is the demo merchant an authorization grants: one per onboarding (state).
func (p *Provider) merchantFor(state string) string {
	sum := sha256.Sum256([]byte(p.mac("merchant", state)))
	return "sbx_mer_" + hex.EncodeToString(sum[:8])
}

// issueCode makes the code the page returns for the page's parameters.
func (p *Provider) issueCode(q url.Values) string {
	c := codeClaims{Tenant: q.Get("tenant"), Source: q.Get("source"), Type: q.Get("type"), State: q.Get("state"),
		Merchant: p.merchantFor(q.Get("state")), Expires: p.now().Add(CodeTTL).Unix()}
	raw, _ := json.Marshal(c)
	body := base64.RawURLEncoding.EncodeToString(raw)
	return "sbx_code_" + body + "." + p.mac("code", body)
}

// Exchange implements ports.IntegrationProvider: the code must be one the page issued for this
// very authorization (tenant, source, type and state), and not expired.
func (p *Provider) Exchange(_ context.Context, r ports.CodeExchange) (ports.Connection, error) {
	refused := ports.Invalid("code", "is not a code the sandbox issued for this onboarding (unknown, expired or for another state)")
	body, sig, ok := strings.Cut(strings.TrimPrefix(r.Code, "sbx_code_"), ".")
	if !ok || !strings.HasPrefix(r.Code, "sbx_code_") || !hmac.Equal([]byte(sig), []byte(p.mac("code", body))) {
		return ports.Connection{}, refused
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	var c codeClaims
	if err != nil || json.Unmarshal(raw, &c) != nil {
		return ports.Connection{}, refused
	}
	if c.Tenant != r.TenantID || c.Source != r.Source || c.Type != r.Type || !hmac.Equal([]byte(c.State), []byte(r.State)) ||
		p.now().Unix() > c.Expires {
		return ports.Connection{}, refused
	}
	return ports.Connection{MerchantID: c.Merchant, Type: c.Type, AccessToken: "sbx_at_" + c.Merchant + "." + p.mac("token", c.Merchant, c.Type)}, nil
}

func (p *Provider) checkToken(c ports.Connection) error {
	if c.AccessToken != "sbx_at_"+c.MerchantID+"."+p.mac("token", c.MerchantID, c.Type) {
		return ports.Forbidden("PROVIDER_ACCESS_REVOKED", "The sandbox does not accept this connection's token.")
	}
	return nil
}

// Locations implements ports.IntegrationProvider: the demo POS locations or DSP stores.
func (p *Provider) Locations(_ context.Context, c ports.Connection) ([]ports.ProviderLocation, error) {
	if err := p.checkToken(c); err != nil {
		return nil, err
	}
	if c.Type == "dsp" {
		return append([]ports.ProviderLocation(nil), DSPStores...), nil
	}
	return append([]ports.ProviderLocation(nil), POSLocations...), nil
}

// Menus implements ports.IntegrationProvider: every demo POS location has the demo menus.
func (p *Provider) Menus(_ context.Context, c ports.Connection, locationID string) ([]ports.ProviderMenu, error) {
	if err := p.checkToken(c); err != nil {
		return nil, err
	}
	for _, l := range POSLocations {
		if l.ProviderID == locationID {
			return append([]ports.ProviderMenu(nil), Menus...), nil
		}
	}
	return []ports.ProviderMenu{}, nil
}

// The demo data.
var (
	POSLocations = []ports.ProviderLocation{
		{ProviderID: "sbx_pos_downtown", Name: "Downtown Studio Café", Address: ports.Address{
			FormattedAddress: "100 Market St, San Francisco, CA 94105, US", AddressLine1: "100 Market St", PostalCode: "94105",
			Locality: "San Francisco", AdministrativeDistrictLevel1: "CA", Country: "US", Latitude: 37.7936, Longitude: -122.3958}},
		{ProviderID: "sbx_pos_harbor", Name: "Harbor Gym Juice Bar", Address: ports.Address{
			FormattedAddress: "2 Harbor Way, Unit 5, Oakland, CA 94607, US", AddressLine1: "2 Harbor Way", AddressLine2: "Unit 5",
			PostalCode: "94607", Locality: "Oakland", AdministrativeDistrictLevel1: "CA", Country: "US", Latitude: 37.7955, Longitude: -122.2790}},
		{ProviderID: "sbx_pos_uptown", Name: "Uptown Kitchen", Address: ports.Address{
			FormattedAddress: "77 Broadway, New York, NY 10006, US", AddressLine1: "77 Broadway", PostalCode: "10006",
			Locality: "New York", AdministrativeDistrictLevel1: "NY", Country: "US", Latitude: 40.7075, Longitude: -74.0113}},
	}
	DSPStores = []ports.ProviderLocation{
		{ProviderID: "sbx_dsp_store_1", Name: "Downtown Studio Café (delivery)", Address: POSLocations[0].Address},
		{ProviderID: "sbx_dsp_store_2", Name: "Harbor Gym Juice Bar (delivery)", Address: POSLocations[1].Address},
	}
	Menus = []ports.ProviderMenu{
		{ProviderID: "sbx_menu_breakfast", Name: "Breakfast"},
		{ProviderID: "sbx_menu_lunch", Name: "Lunch"},
		{ProviderID: "sbx_menu_smoothies", Name: "Smoothies"},
	}
)
