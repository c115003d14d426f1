package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/adapters/email/outbox"
	"github.com/stvos/stvos/adapters/email/smtp"
	"github.com/stvos/stvos/app/devstack"
	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/grant"
	"github.com/stvos/stvos/core/operator"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/product"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/core/useradmin"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// DevOptions are the settings of `stvos dev`.
type DevOptions struct {
	// Dir keeps the dev databases, the servers' log and the demo credentials.
	Dir string
	// Addr is where to listen.
	Addr string
	// Docker, when set, provisions the databases as containers if a Docker engine answers.
	Docker devstack.Provisioner
	// Out receives the welcome text; nil means standard output.
	Out io.Writer
	// Extra joins the application graph (tests decorate parts with it); nil adds nothing.
	Extra fx.Option
}

// Dev provisions PostgreSQL and Redis (kept in Dir between runs), serves every surface, seeds a
// demo client the first time, and prints how to reach everything, until ctx ends.
func Dev(ctx context.Context, opt DevOptions) error {
	if opt.Out == nil {
		opt.Out = os.Stdout
	}
	fmt.Fprintln(os.Stderr, "stvos dev: provisioning PostgreSQL and Redis ...")
	logFile, err := openDevLog(opt.Dir)
	if err != nil {
		return err
	}
	defer logFile.Close()
	stack, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(opt.Dir, "data"), Log: logFile, Docker: opt.Docker})
	if err != nil {
		return err
	}
	defer stack.Stop()
	settings := map[string]string{
		"STVOS_ADDR": opt.Addr, "STVOS_PUBLIC_URL": "http://" + opt.Addr, "STVOS_DATABASE_URL": stack.DatabaseURL,
		"STVOS_REDIS_URL": stack.RedisURL, "STVOS_MIGRATE": "true", "STVOS_LOG_LEVEL": "info",
		"STVOS_BLOB_DIR": filepath.Join(opt.Dir, "blobs"), "STVOS_DEVELOPMENT": "true",
	}
	// Email goes to the outbox (the table email_outbox, and a log line); with a relay in the
	// environment (mailpit, say) clients may choose smtp, and the demo client, seeded then, does.
	for _, env := range []string{"STVOS_SMTP_URL", "STVOS_MAIL_FROM"} {
		if v := os.Getenv(env); v != "" {
			settings[env] = v
		}
	}
	cfg, err := ParseConfig(Defaults(settings))
	if err != nil {
		return err
	}
	var svc demoServices
	var parts demoParts
	ready := func(ctx context.Context) error {
		d, err := seedDemo(ctx, opt.Dir, svc, parts, demoEmail(cfg))
		if err != nil {
			return err
		}
		fmt.Fprint(opt.Out, welcome(cfg.PublicURL, stack.How, d))
		return nil
	}
	log, logs := NewLogger(cfg.LogLevel)
	defer logs.Close()
	extra := []fx.Option{fx.Populate(&svc, &parts)}
	if opt.Extra != nil {
		extra = append(extra, opt.Extra)
	}
	return RunWith(ctx, cfg, log, ready, extra...)
}

func openDevLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(dir, "servers.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
}

// demo is the seeded demo data, kept beside the dev data so a restart prints the same
// credentials (the API key's secret cannot be read back from the database).
type demo struct {
	OperatorEmail    string `json:"operator_email"`
	OperatorPassword string `json:"operator_password"`
	TenantID         string `json:"tenant_id"`
	TenantSlug       string `json:"tenant_slug"`
	APIKey           string `json:"api_key"`
	PartnerID        string `json:"partner_id"`
	StaffEmail       string `json:"staff_email"`
	StaffPassword    string `json:"staff_password"`
	ViewerEmail      string `json:"viewer_email"`
	ViewerPassword   string `json:"viewer_password"`
	MemberEmail      string `json:"member_email"`
	MemberPassword   string `json:"member_password"`
	AdminEmail       string `json:"admin_email"`
	AdminPassword    string `json:"admin_password"`
	OAuthClientID    string `json:"oauth_client_id"`
	OAuthRedirectURI string `json:"oauth_redirect_uri"`
	VoucherCode      string `json:"voucher_code"`
}

// demoServices are the use cases the seed goes through, so demo data obeys every rule real data does.
type demoServices struct {
	fx.In
	Operators *operator.Service
	Tenants   *tenant.Service
	Partners  *partner.Service
	Accounts  *account.Service
	Users     *useradmin.Service
	Grants    *grant.Service
	Console   consoleServices
}

// seedDemo creates the demo client the first time and reads its credentials back afterwards.
// demoEmail is the email adapter of the demo client: smtp when the server has a relay, else the outbox.
func demoEmail(cfg Config) string {
	if cfg.SMTPURL != "" {
		return smtp.Name
	}
	return outbox.Name
}

func seedDemo(ctx context.Context, dir string, svc demoServices, parts demoParts, email string) (demo, error) {
	path := filepath.Join(dir, "demo.json")
	var d demo
	if b, err := os.ReadFile(path); err == nil {
		return d, json.Unmarshal(b, &d)
	}
	d = demo{OperatorEmail: "admin@stvos.local", OperatorPassword: "stvos-admin-demo", TenantSlug: "demo-fitness",
		StaffEmail: "owner@demo-gym.local", StaffPassword: "demo-gym-owner",
		ViewerEmail: "viewer@demo-gym.local", ViewerPassword: "demo-gym-viewer", MemberEmail: "member@demo-fitness.local",
		MemberPassword: "demo-member-pass", AdminEmail: "admin@demo-fitness.local", AdminPassword: "demo-admin-pass",
		OAuthRedirectURI: "http://127.0.0.1:8765/callback"}
	if _, _, err := svc.Operators.Bootstrap(ctx, d.OperatorEmail, d.OperatorPassword, "Demo operator"); err != nil {
		return d, err
	}
	t, err := svc.Tenants.Create(ctx, tenant.NewTenant{Name: "Demo Fitness", Slug: d.TenantSlug,
		Branding: tenant.Branding{DisplayName: "Demo Fitness", PrimaryColor: "#0f766e", SecondaryColor: "#f0fdfa"},
		Features: map[string]bool{"vouchers": true, "store": true},
		Adapters: map[string]string{tenants.PortEmail: email},
		Strings: map[string]string{"st_aboutus": "<h1>About Demo Fitness</h1><p>Classes anywhere.</p>",
			"st_privacypolicy": "<h1>Privacy Policy</h1><p>We keep what we need.</p>"}})
	if errors.Is(err, ports.ErrConflict) {
		return d, fmt.Errorf("the demo client exists but %s is missing; remove %s to start afresh", path, dir)
	}
	if err != nil {
		return d, err
	}
	d.TenantID = t.ID
	k, err := svc.Tenants.IssueKey(ctx, t.ID, "demo app")
	if err != nil {
		return d, err
	}
	d.APIKey = k.Secret
	p, err := svc.Partners.Create(ctx, t.ID, "Demo Gym")
	if err != nil {
		return d, err
	}
	d.PartnerID = p.ID
	owner, err := svc.Partners.CreateStaff(ctx, p.ID, partner.NewStaff{Email: d.StaffEmail, Password: d.StaffPassword, Name: "Gym Owner", Role: partner.RoleOwner})
	if err != nil {
		return d, err
	}
	if _, err := svc.Partners.CreateStaff(ctx, p.ID, partner.NewStaff{Email: d.ViewerEmail, Password: d.ViewerPassword, Name: "Front Desk",
		Role: partner.RoleViewer}); err != nil {
		return d, err
	}
	classes, err := seedCatalog(ctx, parts, t.ID)
	if err != nil {
		return d, err
	}
	if err := seedProducts(ctx, parts, product.Staff{TenantID: t.ID, PartnerID: p.ID,
		Actor: audit.Actor{Kind: session.KindPartnerStaff, ID: owner.ID}}); err != nil {
		return d, err
	}
	if d.VoucherCode, err = seedHistory(ctx, parts, t.ID, owner, classes, time.Now().UTC()); err != nil {
		return d, err
	}
	seeder := audit.Actor{Kind: "system", ID: "stvos-dev"}
	if _, _, err := svc.Accounts.Register(ctx, t.ID, account.Registration{Email: d.MemberEmail, Password: d.MemberPassword, Name: "Demo Member"},
		session.Client{Device: "stvos dev seed"}, nil); err != nil {
		return d, err
	}
	if _, err := svc.Users.CreateAdmin(ctx, t.ID, d.AdminEmail, d.AdminPassword, "Demo Admin", seeder); err != nil {
		return d, err
	}
	if err := seedBilling(ctx, svc.Console, t.ID, seeder, time.Now().UTC()); err != nil {
		return d, err
	}
	c, err := svc.Grants.CreateClient(ctx, t.ID, grant.NewClient{Name: "Demo TV", RedirectURIs: []string{d.OAuthRedirectURI}}, seeder)
	if err != nil {
		return d, err
	}
	d.OAuthClientID = c.ID
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return d, err
	}
	return d, os.WriteFile(path, b, 0o600)
}

// welcome is what `stvos dev` prints once it serves: every surface and the demo credentials.
func welcome(base, how string, d demo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nstvos is serving at %s (PostgreSQL and Redis: %s)\n\n", base, how)
	for _, s := range []string{"app", "partner", "subscriber", "enterprise", "platform"} {
		fmt.Fprintf(&b, "  %-11s docs %s/docs/%s   openapi %s/openapi/%s.json\n", s, base, s, base, s)
	}
	fmt.Fprintf(&b, "\n  partner portal %s/portal/#key=%s\n", base, d.APIKey)
	fmt.Fprintf(&b, "                 (the link carries the client's app key, which the voucher pages need; sign in as the owner or viewer below)\n")
	fmt.Fprintf(&b, "\n  admin console %s/console/#key=%s\n", base, d.APIKey)
	fmt.Fprintf(&b, "                 (sign in as the client admin below: %s / %s)\n", d.AdminEmail, d.AdminPassword)
	fmt.Fprintf(&b, "  operator console %s/operator/   (sign in as the operator: %s / %s)\n", base, d.OperatorEmail, d.OperatorPassword)
	fmt.Fprintf(&b, "\n  health     %s/healthz   %s/readyz\n", base, base)
	fmt.Fprintf(&b, "\nDemo credentials:\n")
	fmt.Fprintf(&b, "  operator        %s / %s   (POST %s/platform/auth/login)\n", d.OperatorEmail, d.OperatorPassword, base)
	fmt.Fprintf(&b, "  client          %s (%s)\n", d.TenantSlug, d.TenantID)
	fmt.Fprintf(&b, "  client API key  %s\n", d.APIKey)
	fmt.Fprintf(&b, "  partner         Demo Gym (%s)\n", d.PartnerID)
	fmt.Fprintf(&b, "  partner staff   %s / %s (owner; POST %s/partner-auth/login)\n", d.StaffEmail, d.StaffPassword, base)
	if d.ViewerEmail != "" {
		fmt.Fprintf(&b, "  partner viewer  %s / %s (viewer: reads the portal, cannot change it)\n", d.ViewerEmail, d.ViewerPassword)
	}
	fmt.Fprintf(&b, "  voucher code    %s (free; POST %s/auth/voucher/validate, then /auth/register with voucherCode)\n", d.VoucherCode, base)
	fmt.Fprintf(&b, "  member          %s / %s (POST %s/auth/login with the API key)\n", d.MemberEmail, d.MemberPassword, base)
	fmt.Fprintf(&b, "  client admin    %s / %s (same sign-in; /admin/* on the subscriber surface)\n", d.AdminEmail, d.AdminPassword)
	fmt.Fprintf(&b, "  OAuth app       client_id %s, redirect %s (PKCE S256; device flow at %s/oauth/device/code)\n",
		d.OAuthClientID, d.OAuthRedirectURI, base)
	fmt.Fprintf(&b, "\nTry: curl -H 'X-API-Key: %s' %s/app/strings\n\nCtrl-C stops the server and the databases.\n", d.APIKey, base)
	return b.String()
}
