# stvos: the two commands a newcomer needs are `make run` and `make test`.
GO        ?= go
PKGS      ?= ./...
STATICCHECK_VERSION ?= v0.8.2

.PHONY: run test lint bench bench-http bench-portal deps stripe-mock mailpit pdftotext browser-deps build docs-assets web-assets

## run: provision PostgreSQL and Redis (containers when a Docker engine answers, else local processes),
## seed a demo client, and serve (stvos dev; -tags docker links the container provisioner)
run: deps
	$(GO) run -tags docker ./cmd/stvos dev

## test: every test (unit, integration against real PostgreSQL and Redis, end to end), with -race
test: deps stripe-mock mailpit pdftotext browser-deps
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## lint: gofmt, go vet, and staticcheck when it installs
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	@if $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) -version >/dev/null 2>&1; then \
		$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS); \
	else echo "staticcheck $(STATICCHECK_VERSION) does not install here; gofmt and go vet ran"; fi

## bench: benchmarks (no tests), against real PostgreSQL and Redis
bench: deps
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

## bench-http: the request path against PostgreSQL's own speed in the same run (pgbench ceiling,
## load on GET /app/strings and GET /users/me through a separate `stvos serve`, and the ratio)
bench-http: deps
	$(GO) run ./test/bench/httpbench $(BENCH_HTTP_FLAGS)

## bench-portal: the partner portal's heavy use cases over real PostgreSQL (issue 6): 500-code generation
## (p50/p99), CSV exports of 10k and 1M vouchers and members (time, peak heap), dashboard and 30-day
## analytics over 10M watch segments (p50/p95), each beside PostgreSQL's own time on the same SQL.
## Sizes: STVOS_BENCH_EXPORT_ROWS, STVOS_BENCH_MEMBER_ROWS, STVOS_BENCH_SEGMENTS, STVOS_BENCH_MEMBERS;
## STVOS_BENCH_EXPLAIN=1 prints the plans. Latencies run many calls, exports a few.
BENCH_PORTAL = $(GO) test -run='^$$' -timeout=60m ./test/bench/portal
bench-portal: deps
	$(BENCH_PORTAL) -bench='Vouchers/Generate|Analytics/(Dashboard|Usage)' -benchtime=200x
	$(BENCH_PORTAL) -bench='Vouchers/Export|MembersExport|Analytics/Members' -benchtime=2x

## docs-assets: vendor Redoc's standalone bundle (the reference pages' renderer) from npm
REDOC_VERSION ?= 2.5.4
docs-assets:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent redoc@$(REDOC_VERSION) >/dev/null && tar xzf redoc-$(REDOC_VERSION).tgz && \
	cp package/bundles/redoc.standalone.js package/bundles/redoc.standalone.js.LICENSE.txt $(CURDIR)/app/surface/assets/ && \
	cp package/LICENSE $(CURDIR)/app/surface/assets/REDOC-LICENSE && rm -rf $$tmp && echo "redoc $(REDOC_VERSION) vendored"

## web-assets: vendor Chart.js (the portals' charts) from npm into app/web/static/vendor
CHARTJS_VERSION ?= 4.6.1
web-assets:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent chart.js@$(CHARTJS_VERSION) >/dev/null && tar xzf chart.js-$(CHARTJS_VERSION).tgz && \
	grep -v 'sourceMappingURL' package/dist/chart.umd.min.js > $(CURDIR)/app/web/static/vendor/chart.umd.min.js && \
	cp package/LICENSE.md $(CURDIR)/app/web/static/vendor/CHARTJS-LICENSE.md && rm -rf $$tmp && echo "chart.js $(CHARTJS_VERSION) vendored"

## build: the binary in bin/stvos
build:
	$(GO) build -o bin/stvos ./cmd/stvos

# stripe-mock is the fake Stripe API the Stripe payments adapter's tests run against (test/harness starts
# it); installed with go install when it is on neither PATH nor $(go env GOPATH)/bin and no
# STVOS_TEST_STRIPE_URL names a running one.
STRIPE_MOCK_VERSION ?= v0.203.0
stripe-mock:
	@command -v stripe-mock >/dev/null 2>&1 || [ -x "$$($(GO) env GOPATH)/bin/stripe-mock" ] || [ -n "$$STVOS_TEST_STRIPE_URL" ] || \
		{ echo "installing stripe-mock $(STRIPE_MOCK_VERSION)"; $(GO) install github.com/stripe/stripe-mock@$(STRIPE_MOCK_VERSION); }

# mailpit is the real SMTP server (with an HTTP API to read what arrived) the SMTP email adapter's
# tests and the email job's end-to-end test send to (test/harness starts it); installed with go
# install when it is on neither PATH nor $(go env GOPATH)/bin and no STVOS_TEST_MAILPIT_URL names
# a running one.
MAILPIT_VERSION ?= v1.33.1
mailpit:
	@command -v mailpit >/dev/null 2>&1 || [ -x "$$($(GO) env GOPATH)/bin/mailpit" ] || [ -n "$$STVOS_TEST_MAILPIT_URL" ] || \
		{ echo "installing mailpit $(MAILPIT_VERSION)"; $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION); }

# pdftotext (poppler-utils) reads back the invoice PDFs that adapters/pdf renders, in its tests. As
# root on Debian it is installed when missing; elsewhere this prints the command and the tests fail
# saying the same.
pdftotext:
	@command -v pdftotext >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing: poppler-utils"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	else \
		echo "the PDF tests need pdftotext: sudo apt-get install -y poppler-utils (Debian/Ubuntu), brew install poppler (macOS)"; \
	fi

# browser-deps makes sure the browser tests (test/browser) can run: Node.js with npm, Debian's
# chromium, and test/browser's node modules (npm ci, from package-lock.json). As root on Debian the
# missing packages are installed with apt; elsewhere this prints the command and the tests fail
# saying the same (they never skip).
browser-deps:
	@missing=""; command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	[ -x "$${STVOS_CHROMIUM:-/usr/bin/chromium}" ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "the browser tests need:$$missing (sudo apt-get install -y$$missing)"; fi; \
	fi; \
	if command -v npm >/dev/null 2>&1 && [ ! -f test/browser/node_modules/playwright-core/package.json ]; then \
		(cd test/browser && npm ci --no-audit --no-fund --loglevel=error); \
	fi

# deps makes sure PostgreSQL and Redis can be provisioned: DSNs in the environment, a Docker engine,
# or local postgres and redis-server binaries. As root on Debian it installs what is missing; elsewhere
# it stops and prints the command to run.
deps:
	@if [ -n "$$STVOS_TEST_DATABASE_URL" ] && [ -n "$$STVOS_TEST_REDIS_URL" ]; then exit 0; fi; \
	if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then exit 0; fi; \
	missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v postgres >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "stvos needs PostgreSQL and Redis (or a Docker engine). Install them with:"; \
		echo "    sudo apt-get update && sudo apt-get install -y$$missing      # Debian/Ubuntu"; \
		echo "    brew install postgresql@15 redis                             # macOS"; \
		exit 1; \
	fi
