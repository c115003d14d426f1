// Package app assembles stvos: configuration, the fx application graph of adapters, core use
// cases and HTTP surfaces, and the one HTTP server that serves every surface.
package app

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/stvos/stvos/adapters/email/smtp"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/ports"
	"github.com/stvos/stvos/tenants"
)

// Config is the server's configuration. Every field has an environment variable; flags of the
// same name (lower-case, dashes) override it.
type Config struct {
	// WorkerOnly runs the background job workers without the HTTP surfaces (stvos worker).
	WorkerOnly      bool
	Addr            string
	MetricsAddr     string
	PublicURL       string
	DatabaseURL     string
	RedisURL        string
	RedisPrefix     string
	LogLevel        slog.Level
	BlobDir         string
	SigningKeyFile  string
	SigningKeyPEM   string
	Migrate         bool
	TrustProxy      bool
	ShutdownTimeout time.Duration
	KeyUseInterval  time.Duration
	// MaxStreams is how many streams an account may watch at once without a subscription whose
	// plan says (members who joined with a voucher).
	MaxStreams int
	// MaxProfiles is how many profiles an account may have without such a subscription.
	MaxProfiles int
	// BillingSweep is how often the billing sweep looks for subscriptions with something due.
	BillingSweep time.Duration
	// StreamTTL is how long a stream slot lives without a heartbeat.
	StreamTTL time.Duration
	Limits    tenants.Limits
	// Failures bounds failed sign-ins and code entries (core/throttle).
	Failures throttle.Policy
	// StripeSecretKey is the platform's Stripe secret key; without it clients cannot choose the
	// stripe payments adapter. StripeURL is the Stripe API's base URL (empty: Stripe's own).
	StripeSecretKey string
	StripeURL       string
	// SMTPURL is the mail relay of the smtp email adapter (smtp://user:password@host:port with
	// ?starttls=mandatory|opportunistic|none, or smtps://…); without it clients cannot choose smtp.
	SMTPURL string
	// MailFrom is the sender of the platform's email, an address with an optional display name.
	MailFrom string
	// Development relaxes what only a developer's machine needs: URLs callers give (return
	// URLs, provider and webhook endpoints) may point at loopback hosts, over http too. Private,
	// link-local and metadata addresses stay refused. stvos dev sets it.
	Development bool
	// SecretsKey seals the secrets stvos must read back (webhook signing secrets, integration
	// providers' client secrets and tokens): 32 bytes, base64. Empty: a key is made once and kept
	// in the database, which protects nothing against a copy of the database.
	SecretsKey []byte
}

// Setting documents one configuration variable (for --help and the README).
type Setting struct {
	Env, Flag, Default, Doc string
}

// Settings lists every configuration variable.
var Settings = []Setting{
	{"STVOS_ADDR", "addr", ":8080", "address to listen on"},
	{"STVOS_METRICS_ADDR", "metrics-addr", "", "address of the metrics listener: Prometheus /metrics and /debug/pprof/ (keep it private); empty: none"},
	{"STVOS_PUBLIC_URL", "public-url", "http://localhost:8080", "URL clients reach the server at; the issuer of its tokens"},
	{"STVOS_DATABASE_URL", "database-url", "", "PostgreSQL URL; its role owns the schema and may create roles on first migrate (required)"},
	{"STVOS_REDIS_URL", "redis-url", "", "Redis URL, redis://host:port/db (required)"},
	{"STVOS_REDIS_PREFIX", "redis-prefix", "stvos:", "prefix of every Redis key"},
	{"STVOS_BLOB_DIR", "blob-dir", ".stvos/blobs", "folder that keeps uploaded files (avatars)"},
	{"STVOS_LOG_LEVEL", "log-level", "info", "debug, info, warn or error; logs are JSON on stderr"},
	{"STVOS_SIGNING_KEY_FILE", "signing-key-file", "", "RSA private key (PEM) to sign tokens; when empty a key is generated once and kept in the database"},
	{"STVOS_MIGRATE", "migrate", "false", "apply pending migrations on start"},
	{"STVOS_TRUST_PROXY", "trust-proxy", "false", "take the client address from X-Forwarded-For (only behind a proxy you run)"},
	{"STVOS_SHUTDOWN_TIMEOUT", "shutdown-timeout", "20s", "how long in-flight requests may finish on shutdown"},
	{"STVOS_KEY_USE_INTERVAL", "key-use-interval", "1m", "how often the last use of API keys is written (requests never write it themselves)"},
	{"STVOS_MAX_STREAMS", "max-streams", "3", "streams an account may watch at once, on any servers, when no subscription's plan says"},
	{"STVOS_MAX_PROFILES", "max-profiles", "5", "profiles an account may have when no subscription's plan says"},
	{"STVOS_BILLING_SWEEP", "billing-sweep", "1m", "how often renewals, payment retries and trial ends that are due are looked for"},
	{"STVOS_STREAM_TTL", "stream-ttl", "90s", "how long a stream keeps its slot without a heartbeat (players report every third of it)"},
	{"STVOS_RATE_PER_ADDRESS", "rate-per-address", "1200", "requests per minute per source address"},
	{"STVOS_RATE_REGISTER", "rate-register", "120", "registrations per hour per source address, in bursts of up to a third of it (at least 30: a class signing up at once fits)"},
	{"STVOS_FAILURES_PER_ACCOUNT", "failures-per-account", "5/15m", "failed sign-ins allowed per account and source address in a period, then 429 with Retry-After"},
	{"STVOS_FAILURES_PER_ADDRESS", "failures-per-address", "50/10m", "failed sign-ins and code entries allowed per source address across accounts in a period (credential stuffing)"},
	{"STVOS_RATE_PER_CREDENTIAL", "rate-per-credential", "600", "requests per minute per API key or token subject, unless the tenant sets its own"},
	{"STVOS_STRIPE_SECRET_KEY", "stripe-secret-key", "", "Stripe secret key (sk_live_…, sk_test_… or a restricted rk_…) of the stripe payments adapter; empty: clients cannot choose stripe (never shown in --help)"},
	{"STVOS_STRIPE_URL", "stripe-url", "", "base URL of the Stripe API; empty: https://api.stripe.com (tests point it at stripe-mock)"},
	{"STVOS_SMTP_URL", "smtp-url", "", "mail relay of the smtp email adapter, smtp://user:password@host:587 (STARTTLS required; ?starttls=opportunistic or ?starttls=none on a private network) or smtps://user:password@host:465; empty: clients cannot choose smtp (never shown in --help)"},
	{"STVOS_MAIL_FROM", "mail-from", "no-reply@localhost", "sender of the platform's email, such as 'Acme TV <no-reply@acme.tv>'"},
	{"STVOS_DEVELOPMENT", "development", "false", "development mode: URLs callers give (return, provider, webhook) may point at loopback hosts, over http too (never in production)"},
	{"STVOS_SECRETS_KEY", "secrets-key", "", "32 random bytes, base64, sealing (AES-256-GCM) the secrets stvos must read back: webhook and integration provider secrets; empty: a key kept in the database (set it in production; never shown in --help)"},
}

// secretSettings are read from the environment without becoming the flag's default, which
// --help would print.
var secretSettings = map[string]bool{"STVOS_STRIPE_SECRET_KEY": true, "STVOS_SMTP_URL": true, "STVOS_SECRETS_KEY": true}

// LoadConfig reads the environment, then the flags in args.
func LoadConfig(name string, args []string) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	vals := map[string]*string{}
	for _, s := range Settings {
		def := s.Default
		if v, ok := os.LookupEnv(s.Env); ok && !secretSettings[s.Env] { // a secret's value never becomes a shown default
			def = v
		}
		vals[s.Env] = fs.String(s.Flag, def, s.Doc+" ("+s.Env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	get := func(env string) string {
		if v := strings.TrimSpace(*vals[env]); v != "" || !secretSettings[env] {
			return v
		}
		return strings.TrimSpace(os.Getenv(env))
	}
	return ParseConfig(get)
}

// ParseConfig builds a Config from a lookup of each variable's value.
func ParseConfig(get func(env string) string) (Config, error) {
	var errs []error
	c := Config{
		Addr: get("STVOS_ADDR"), MetricsAddr: get("STVOS_METRICS_ADDR"), PublicURL: strings.TrimRight(get("STVOS_PUBLIC_URL"), "/"),
		DatabaseURL: get("STVOS_DATABASE_URL"), RedisURL: get("STVOS_REDIS_URL"), RedisPrefix: get("STVOS_REDIS_PREFIX"),
		SigningKeyFile: get("STVOS_SIGNING_KEY_FILE"), BlobDir: get("STVOS_BLOB_DIR"), Limits: tenants.DefaultLimits(),
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("STVOS_LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("STVOS_LOG_LEVEL: %w", err))
	}
	boolean := func(env string) bool {
		b, err := strconv.ParseBool(get(env))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: want true or false", env))
		}
		return b
	}
	c.Migrate, c.TrustProxy, c.Development = boolean("STVOS_MIGRATE"), boolean("STVOS_TRUST_PROXY"), boolean("STVOS_DEVELOPMENT")
	if k := get("STVOS_SECRETS_KEY"); k != "" {
		if b, err := base64.StdEncoding.DecodeString(k); err != nil || len(b) != 32 {
			errs = append(errs, errors.New("STVOS_SECRETS_KEY: want 32 bytes in base64 (openssl rand -base64 32)"))
		} else {
			c.SecretsKey = b
		}
	}
	d, err := time.ParseDuration(get("STVOS_SHUTDOWN_TIMEOUT"))
	if err != nil {
		errs = append(errs, fmt.Errorf("STVOS_SHUTDOWN_TIMEOUT: %w", err))
	}
	c.ShutdownTimeout = d
	if c.MaxStreams, err = strconv.Atoi(get("STVOS_MAX_STREAMS")); err != nil || c.MaxStreams < 1 || c.MaxStreams > 100 {
		errs = append(errs, errors.New("STVOS_MAX_STREAMS: want a number from 1 to 100"))
	}
	if c.MaxProfiles, err = strconv.Atoi(get("STVOS_MAX_PROFILES")); err != nil || c.MaxProfiles < 1 || c.MaxProfiles > 6 {
		errs = append(errs, errors.New("STVOS_MAX_PROFILES: want a number from 1 to 6"))
	}
	if c.BillingSweep, err = time.ParseDuration(get("STVOS_BILLING_SWEEP")); err != nil || c.BillingSweep < 100*time.Millisecond || c.BillingSweep > time.Hour {
		errs = append(errs, errors.New("STVOS_BILLING_SWEEP: want a duration from 100ms to 1h, such as 1m"))
	}
	if c.StreamTTL, err = time.ParseDuration(get("STVOS_STREAM_TTL")); err != nil || c.StreamTTL < 3*time.Second || c.StreamTTL > time.Hour {
		errs = append(errs, errors.New("STVOS_STREAM_TTL: want a duration from 3s to 1h, such as 90s"))
	}
	if c.KeyUseInterval, err = time.ParseDuration(get("STVOS_KEY_USE_INTERVAL")); err != nil || c.KeyUseInterval <= 0 {
		errs = append(errs, errors.New("STVOS_KEY_USE_INTERVAL: want a positive duration such as 1m"))
	}
	perMinute := func(env string, l *ports.Limit) {
		n, err := strconv.Atoi(get(env))
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("%s: want a number of requests per minute", env))
			return
		}
		l.Rate, l.Period = n, time.Minute
		l.Burst = min(n, max(l.Burst, n/5)) // a fifth of a minute's budget at once, at least the default
	}
	perMinute("STVOS_RATE_PER_ADDRESS", &c.Limits.PerAddress)
	if n, err := strconv.Atoi(get("STVOS_RATE_REGISTER")); err != nil || n < 0 {
		errs = append(errs, errors.New("STVOS_RATE_REGISTER: want a number of registrations per hour"))
	} else {
		c.Limits.Registration = ports.Limit{Rate: n, Burst: min(n, max(30, n/3)), Period: time.Hour}
	}
	c.Failures = throttle.DefaultPolicy()
	budget := func(env string, l *ports.Limit) {
		n, d, ok := parseBudget(get(env))
		if !ok {
			errs = append(errs, fmt.Errorf("%s: want failures per period, such as 5/15m", env))
			return
		}
		*l = ports.Limit{Rate: n, Burst: n, Period: d}
	}
	budget("STVOS_FAILURES_PER_ACCOUNT", &c.Failures.PerAccount)
	budget("STVOS_FAILURES_PER_ADDRESS", &c.Failures.PerAddress)
	perMinute("STVOS_RATE_PER_CREDENTIAL", &c.Limits.PerCredential)
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("STVOS_DATABASE_URL is required"))
	}
	if c.RedisURL == "" {
		errs = append(errs, errors.New("STVOS_REDIS_URL is required"))
	}
	c.StripeSecretKey, c.StripeURL = get("STVOS_STRIPE_SECRET_KEY"), strings.TrimRight(get("STVOS_STRIPE_URL"), "/")
	if k := c.StripeSecretKey; k != "" && !strings.HasPrefix(k, "sk_") && !strings.HasPrefix(k, "rk_") {
		errs = append(errs, errors.New("STVOS_STRIPE_SECRET_KEY: want a Stripe secret key, sk_… or rk_… (never the publishable pk_… key)"))
	}
	if u, err := url.Parse(c.StripeURL); c.StripeURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		errs = append(errs, errors.New("STVOS_STRIPE_URL: want an http(s) URL such as https://api.stripe.com"))
	}
	c.SMTPURL, c.MailFrom = get("STVOS_SMTP_URL"), get("STVOS_MAIL_FROM")
	if c.SMTPURL != "" {
		if _, _, err := smtp.ParseURL(c.SMTPURL, 0); err != nil { // its errors never repeat the password
			errs = append(errs, fmt.Errorf("STVOS_SMTP_URL: %w", err))
		}
	}
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || !strings.Contains(a.Address, "@") {
		errs = append(errs, errors.New("STVOS_MAIL_FROM: want an email address, such as 'Acme TV <no-reply@acme.tv>'"))
	}
	if c.SigningKeyFile != "" {
		b, err := os.ReadFile(c.SigningKeyFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("STVOS_SIGNING_KEY_FILE: %w", err))
		}
		c.SigningKeyPEM = string(b)
	}
	return c, errors.Join(errs...)
}

// parseBudget reads "N/duration", such as 5/15m.
func parseBudget(s string) (int, time.Duration, bool) {
	count, period, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if !ok || err != nil || n <= 0 {
		return 0, 0, false
	}
	d, err := time.ParseDuration(strings.TrimSpace(period))
	if err != nil || d <= 0 {
		return 0, 0, false
	}
	return n, d, true
}

// Defaults returns the lookup of default values, for building a Config in code.
func Defaults(overrides map[string]string) func(string) string {
	return func(env string) string {
		if v, ok := overrides[env]; ok {
			return v
		}
		for _, s := range Settings {
			if s.Env == env {
				return s.Default
			}
		}
		return ""
	}
}
