// Package policies holds the authorization model and policy (casbin, RBAC with tenant domains),
// embedded in the binary, and builds the enforcer every surface asks.
package policies

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
	"github.com/casbin/casbin/v2/util"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// Enforcer answers whether a role may act on an object in a domain. The policy is fixed for the
// life of the process, so decisions are cached (casbin's cached enforcer): a request pays a map
// look-up, not a matcher evaluation.
type Enforcer struct {
	e *casbin.SyncedCachedEnforcer
}

// New builds the enforcer from the embedded model and policy.
func New() (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policies: model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m, stringadapter.NewAdapter(withoutComments(policyText)))
	if err != nil {
		return nil, fmt.Errorf("policies: policy: %w", err)
	}
	e.AddNamedDomainMatchingFunc("g", "keyMatch", util.KeyMatch)
	if err := e.LoadPolicy(); err != nil {
		return nil, fmt.Errorf("policies: load: %w", err)
	}
	return &Enforcer{e: e}, nil
}

// Allowed reports whether any of the roles may perform act on obj in domain.
func (p *Enforcer) Allowed(roles []string, domain, obj, act string) (bool, error) {
	for _, r := range roles {
		ok, err := p.e.Enforce(r, domain, obj, act)
		if err != nil {
			return false, fmt.Errorf("policies: enforce: %w", err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func withoutComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			b.WriteString(t)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
