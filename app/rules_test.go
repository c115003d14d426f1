package app

import (
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/tenant"
)

// rule is one core rule and the values that probe its edges.
type rule struct {
	valid   func(string) bool
	samples []string
}

// coreRules are the rules stated once in the core that HTTP schemas mirror in their tags.
// Sign-in password fields (minLength 1) accept any guess up to the maximum and are not new
// passwords; they are checked to be exactly that. Colours are optional: an absent colour is
// omitted, not sent empty, so "" is not a sample.
var coreRules = map[string]rule{
	"email": {func(s string) bool { return credential.ValidEmail(credential.NormalizeEmail(s)) }, []string{
		"a@b.co", "Ann.Lee+tag@Example.COM", " padded@example.com ", "no-at-sign", "two@@example.com", "@example.com",
		"Ann <ann@example.com>", "ann@", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com",
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com", "",
	}},
	"password": {credential.ValidPassword, passwordSamples},
	"slug": {tenant.ValidSlug, []string{
		"a", "demo-fitness", "9lives", strings.Repeat("a", 63), strings.Repeat("a", 64), "-lead", "trail-", "Upper",
		"under_score", "dot.ted", "", "a--b",
	}},
	"color": {tenant.ValidColor, []string{"#1a2b3c", "#FFFFFF", "#fff", "1a2b3c", "#1a2b3g", "#1a2b3c4", "red"}},
}

var passwordSamples = []string{
	"", "short", strings.Repeat("x", 9), strings.Repeat("x", 10), strings.Repeat("é", 10), strings.Repeat("x", 128),
	strings.Repeat("x", 129), strings.Repeat("密", 128), strings.Repeat("密", 129),
}

// ruleOf names the core rule a request property mirrors, if any.
func ruleOf(name string) string {
	switch name {
	case "email", "slug":
		return name
	case "password", "new_password", "newPassword":
		return "password"
	case "primary_color", "secondary_color", "primaryColor", "secondaryColor":
		return "color"
	}
	return ""
}

// TestSchemasMirrorTheCoreRules walks every request body of every surface and, for each field
// that mirrors a core rule (email, new password, slug, colour), checks that the schema accepts
// exactly the values the core rule accepts, so the two can never drift apart.
func TestSchemasMirrorTheCoreRules(t *testing.T) {
	found := map[string][]string{}
	for _, s := range surfaces(t) {
		doc := s.API.OpenAPI()
		reg := doc.Components.Schemas
		var walk func(where string, sc *huma.Schema, depth int)
		walk = func(where string, sc *huma.Schema, depth int) {
			if sc == nil || depth > 8 {
				return
			}
			if sc.Ref != "" {
				sc = reg.SchemaFromRef(sc.Ref)
			}
			walk(where+"[]", sc.Items, depth+1)
			for name, prop := range sc.Properties {
				at := where + "." + name
				if prop.Ref != "" {
					walk(at, prop, depth+1)
					continue
				}
				walk(at, prop, depth+1)
				r := ruleOf(name)
				if r == "" || prop.Type != "string" {
					continue
				}
				if r == "password" && prop.MinLength != nil && *prop.MinLength <= 1 {
					require.NotNil(t, prop.MaxLength, "%s: a sign-in password has a maximum", at)
					require.Equal(t, credential.MaxPasswordLength, *prop.MaxLength, "%s: a sign-in password takes any new password", at)
					found["sign-in password"] = append(found["sign-in password"], at)
					continue
				}
				found[r] = append(found[r], at)
				for _, v := range coreRules[r].samples {
					res := &huma.ValidateResult{}
					huma.Validate(reg, prop, huma.NewPathBuffer([]byte{}, 0), huma.ModeWriteToServer, v, res)
					require.Equal(t, coreRules[r].valid(v), len(res.Errors) == 0,
						"%s: the schema and the core rule %q disagree on %q (schema errors: %v)", at, r, v, res.Errors)
				}
			}
		}
		for path, item := range doc.Paths {
			for _, op := range []*huma.Operation{item.Post, item.Put, item.Patch} {
				if op == nil || op.RequestBody == nil {
					continue
				}
				for _, media := range op.RequestBody.Content {
					walk(s.Name+" "+op.Method+" "+path, media.Schema, 0)
				}
			}
		}
	}
	for r := range coreRules {
		require.NotEmpty(t, found[r], "no request field mirrors the %s rule: is the walk still finding bodies?", r)
	}
	require.NotEmpty(t, found["sign-in password"])
	var lines []string
	for r, at := range found {
		sort.Strings(at)
		lines = append(lines, r+": "+strings.Join(at, ", "))
	}
	sort.Strings(lines)
	t.Log("fields checked against the core rules:\n" + strings.Join(lines, "\n"))
}
