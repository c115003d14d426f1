package harness

import (
	_ "embed" // the stripe-mock fixtures
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stvos/stvos/app/devstack"
)

// StripeMockVersion is the stripe-mock the harness is known to work with.
const StripeMockVersion = "v0.203.0"

// StripeTestKey is a secret key stripe-mock accepts (it accepts any sk_test_ key).
const StripeTestKey = "sk_test_stvos"

// stripeFixtures are the objects stripe-mock answers with: its own bundled customer, payment
// method, payment intent and refund, the payment intent succeeded (as a confirmed charge of a good
// card is), since stripe-mock keeps no state and only returns canned data shaped by the request.
//
//go:embed stripe-fixtures.json
var stripeFixtures []byte

var (
	stripeOnce  sync.Once
	stripeURL   string
	stripeErr   error
	stripeStack *devstack.Stack
)

// StripeURL returns the base URL of a stripe-mock (a fake of the Stripe API that validates
// requests against Stripe's OpenAPI specification): STVOS_TEST_STRIPE_URL when set (a stripe-mock
// started with -fixtures test/harness/stripe-fixtures.json), else the stripe-mock binary (on PATH,
// in $GOBIN or in $(go env GOPATH)/bin) started once per test process on a free loopback port and
// stopped by Main. Without one the test fails and says what to install: it never skips.
func StripeURL(t testing.TB) string {
	t.Helper()
	stripeOnce.Do(func() { stripeURL, stripeErr = startStripeMock() })
	if stripeErr != nil {
		t.Fatalf("harness: stripe-mock is needed for the Stripe payments adapter: %v\n"+
			"  install it with: go install github.com/stripe/stripe-mock@%s\n"+
			"  or set STVOS_TEST_STRIPE_URL to a running stripe-mock started with -fixtures test/harness/stripe-fixtures.json",
			stripeErr, StripeMockVersion)
	}
	return stripeURL
}

func startStripeMock() (string, error) {
	if u := os.Getenv("STVOS_TEST_STRIPE_URL"); u != "" {
		return strings.TrimRight(u, "/"), nil
	}
	bin, err := findProgram("stripe-mock")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "stvos-stripe-mock-")
	if err != nil {
		return "", err
	}
	fixtures := filepath.Join(dir, "fixtures.json")
	if err := os.WriteFile(fixtures, stripeFixtures, 0o600); err != nil {
		return "", err
	}
	port, err := devstack.FreePort()
	if err != nil {
		return "", err
	}
	st := &devstack.Stack{How: "local", Dir: dir}
	st.OnStop(func() error { return os.RemoveAll(dir) })
	// The HTTPS listener cannot be turned off; it takes a port of the system's choosing.
	if err := st.Spawn(nil, bin, "-http-addr", "127.0.0.1:"+strconv.Itoa(port), "-https-addr", "127.0.0.1:0",
		"-fixtures", fixtures); err != nil {
		_ = st.Stop()
		return "", err
	}
	stripeStack = st
	u := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitStripe(u); err != nil {
		return "", err
	}
	return u, nil
}

// waitStripe polls until stripe-mock answers an authenticated request.
func waitStripe(base string) error {
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/customers/cus_ready", nil)
	req.SetBasicAuth(StripeTestKey, "")
	return waitHTTP("stripe-mock", req)
}
