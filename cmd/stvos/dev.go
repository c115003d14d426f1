package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/fx"

	"github.com/stvos/stvos/app"
	"github.com/stvos/stvos/app/devstack"
	"github.com/stvos/stvos/core/identity"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/tenant"
	"github.com/stvos/stvos/ports"
)

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
	MemberEmail      string `json:"member_email"`
	MemberPassword   string `json:"member_password"`
	AdminEmail       string `json:"admin_email"`
	AdminPassword    string `json:"admin_password"`
	OAuthClientID    string `json:"oauth_client_id"`
	OAuthRedirectURI string `json:"oauth_redirect_uri"`
}

func dev(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("stvos dev", flag.ContinueOnError)
	dir := fs.String("dir", ".stvos/dev", "folder that keeps the dev databases and demo credentials")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "stvos dev: provisioning PostgreSQL and Redis ...")
	logFile, err := openLog(*dir)
	if err != nil {
		return err
	}
	defer logFile.Close()
	stack, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(*dir, "data"), Log: logFile})
	if err != nil {
		return err
	}
	defer stack.Stop()
	cfg, err := app.ParseConfig(app.Defaults(map[string]string{
		"STVOS_ADDR": *addr, "STVOS_PUBLIC_URL": "http://" + *addr, "STVOS_DATABASE_URL": stack.DatabaseURL,
		"STVOS_REDIS_URL": stack.RedisURL, "STVOS_MIGRATE": "true", "STVOS_LOG_LEVEL": "info",
		"STVOS_BLOB_DIR": filepath.Join(*dir, "blobs"),
	}))
	if err != nil {
		return err
	}
	var svc struct {
		fx.In
		Identity *identity.Service
		Tenants  *tenant.Service
		Partners *partner.Service
	}
	ready := func(ctx context.Context) error {
		d, err := seed(ctx, *dir, svc.Identity, svc.Tenants, svc.Partners)
		if err != nil {
			return err
		}
		printWelcome(cfg.PublicURL, stack, d)
		return nil
	}
	log, logs := app.NewLogger(cfg.LogLevel)
	defer logs.Close()
	return app.RunWith(ctx, cfg, log, ready, fx.Populate(&svc))
}

func openLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(dir, "servers.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
}

func seed(ctx context.Context, dir string, ids *identity.Service, ts *tenant.Service, ps *partner.Service) (demo, error) {
	path := filepath.Join(dir, "demo.json")
	var d demo
	if b, err := os.ReadFile(path); err == nil {
		return d, json.Unmarshal(b, &d)
	}
	d = demo{OperatorEmail: "admin@stvos.local", OperatorPassword: "stvos-admin-demo", TenantSlug: "demo-fitness",
		StaffEmail: "owner@demo-gym.local", StaffPassword: "demo-gym-owner", MemberEmail: "member@demo-fitness.local",
		MemberPassword: "demo-member-pass", AdminEmail: "admin@demo-fitness.local", AdminPassword: "demo-admin-pass",
		OAuthRedirectURI: "http://127.0.0.1:8765/callback"}
	if _, _, err := ids.Bootstrap(ctx, d.OperatorEmail, d.OperatorPassword, "Demo operator"); err != nil {
		return d, err
	}
	t, err := ts.Create(ctx, tenant.NewTenant{Name: "Demo Fitness", Slug: d.TenantSlug,
		Branding: tenant.Branding{DisplayName: "Demo Fitness", PrimaryColor: "#0f766e", SecondaryColor: "#f0fdfa"},
		Features: map[string]bool{"vouchers": true, "store": true},
		Strings: map[string]string{"st_aboutus": "<h1>About Demo Fitness</h1><p>Classes anywhere.</p>",
			"st_privacypolicy": "<h1>Privacy Policy</h1><p>We keep what we need.</p>"}})
	if errors.Is(err, ports.ErrConflict) {
		return d, fmt.Errorf("the demo client exists but %s is missing; remove %s to start afresh", path, dir)
	}
	if err != nil {
		return d, err
	}
	d.TenantID = t.ID
	k, err := ts.IssueKey(ctx, t.ID, "demo app")
	if err != nil {
		return d, err
	}
	d.APIKey = k.Secret
	p, err := ps.Create(ctx, t.ID, "Demo Gym")
	if err != nil {
		return d, err
	}
	d.PartnerID = p.ID
	if _, err := ps.CreateStaff(ctx, p.ID, partner.NewStaff{Email: d.StaffEmail, Password: d.StaffPassword, Name: "Gym Owner", Role: partner.RoleOwner}); err != nil {
		return d, err
	}
	seeder := identity.Actor{Kind: "system", ID: "stvos-dev"}
	if _, _, err := ids.Register(ctx, t.ID, identity.Registration{Email: d.MemberEmail, Password: d.MemberPassword, Name: "Demo Member"},
		identity.Client{Device: "stvos dev seed"}, nil); err != nil {
		return d, err
	}
	if _, err := ids.CreateAdmin(ctx, t.ID, d.AdminEmail, d.AdminPassword, "Demo Admin", seeder); err != nil {
		return d, err
	}
	c, err := ids.CreateOAuthClient(ctx, t.ID, identity.NewOAuthClient{Name: "Demo TV", RedirectURIs: []string{d.OAuthRedirectURI}}, seeder)
	if err != nil {
		return d, err
	}
	d.OAuthClientID = c.ID
	b, _ := json.MarshalIndent(d, "", "  ")
	return d, os.WriteFile(path, b, 0o600)
}

func printWelcome(base string, stack *devstack.Stack, d demo) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nstvos is serving at %s (PostgreSQL and Redis: %s)\n\n", base, stack.How)
	for _, s := range []string{"app", "partner", "subscriber", "enterprise", "platform"} {
		fmt.Fprintf(&b, "  %-11s docs %s/docs/%s   openapi %s/openapi/%s.json\n", s, base, s, base, s)
	}
	fmt.Fprintf(&b, "\n  health     %s/healthz   %s/readyz\n", base, base)
	fmt.Fprintf(&b, "\nDemo credentials:\n")
	fmt.Fprintf(&b, "  operator        %s / %s   (POST %s/platform/auth/login)\n", d.OperatorEmail, d.OperatorPassword, base)
	fmt.Fprintf(&b, "  client          %s (%s)\n", d.TenantSlug, d.TenantID)
	fmt.Fprintf(&b, "  client API key  %s\n", d.APIKey)
	fmt.Fprintf(&b, "  partner         Demo Gym (%s)\n", d.PartnerID)
	fmt.Fprintf(&b, "  partner staff   %s / %s (owner; POST %s/partner-auth/login)\n", d.StaffEmail, d.StaffPassword, base)
	fmt.Fprintf(&b, "  member          %s / %s (POST %s/auth/login with the API key)\n", d.MemberEmail, d.MemberPassword, base)
	fmt.Fprintf(&b, "  client admin    %s / %s (same sign-in; /admin/* on the subscriber surface)\n", d.AdminEmail, d.AdminPassword)
	fmt.Fprintf(&b, "  OAuth app       client_id %s, redirect %s (PKCE S256; device flow at %s/oauth/device/code)\n",
		d.OAuthClientID, d.OAuthRedirectURI, base)
	fmt.Fprintf(&b, "\nTry: curl -H 'X-API-Key: %s' %s/app/strings\n\nCtrl-C stops the server and the databases.\n", d.APIKey, base)
	fmt.Fprint(os.Stdout, b.String())
}
