package profile

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/ports"
)

func fieldsOf(err error) []string {
	var out []string
	if e := ports.AsError(err); e != nil {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

func TestValidPIN(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"0000", "1234", "12345", "123456"} {
		require.True(t, ValidPIN(ok), ok)
	}
	for _, bad := range []string{"", "123", "1234567", "12a4", "١٢٣٤", " 1234", "12.4", "+123"} {
		require.False(t, ValidPIN(bad), bad)
	}
}

func TestInputDefaultsAndBounds(t *testing.T) {
	t.Parallel()
	owner := Owner{DisplayName: "Ann", Locale: "de-DE"}
	in := Input{Name: "  Kid  "}
	var v ports.Validation
	in.normalize(&v)
	require.NoError(t, v.Err())
	var p Profile
	in.apply(&p, owner)
	require.Equal(t, Profile{Name: "Kid", ContentRatingLimit: DefaultRatingLimit, Language: "de-DE", AutoplayNextEpisode: true}, p,
		"TV-MA, the account's locale, autoplay on")

	off := false
	in = Input{Name: "Kid", IsKids: true, AutoplayNextEpisode: &off, Language: "fr", AvatarPresetID: ports.NewID()}
	v = ports.Validation{}
	in.normalize(&v)
	require.NoError(t, v.Err())
	p = Profile{}
	in.apply(&p, owner)
	require.Equal(t, KidsRatingLimit, p.ContentRatingLimit, "a kids profile defaults to TV-PG")
	require.False(t, p.AutoplayNextEpisode)
	require.Equal(t, "fr", p.Language)
	require.Equal(t, in.AvatarPresetID, p.AvatarPresetID)

	for _, limit := range []string{"TV-Y", "G", "TV-G", "PG", "TV-PG"} {
		v = ports.Validation{}
		in := Input{Name: "Kid", IsKids: true, ContentRatingLimit: limit}
		in.normalize(&v)
		require.NoError(t, v.Err(), limit)
	}
	for _, limit := range []string{"PG-13", "TV-14", "R", "TV-MA", "NC-17"} {
		v = ports.Validation{}
		in := Input{Name: "Kid", IsKids: true, ContentRatingLimit: limit}
		in.normalize(&v)
		require.Equal(t, []string{"content_rating_limit"}, fieldsOf(v.Err()), "a kids profile is limited to TV-PG: %s", limit)
	}

	bad, long := "12a4", strings.Repeat("é", 51)
	v = ports.Validation{}
	in = Input{Name: long, PIN: &bad, ContentRatingLimit: "tv-ma", Language: "English!", AvatarPresetID: "not-a-uuid"}
	in.normalize(&v)
	require.ElementsMatch(t, []string{"name", "pin", "content_rating_limit", "language", "avatar_preset_id"}, fieldsOf(v.Err()))
	v = ports.Validation{}
	in = Input{Name: "   "}
	in.normalize(&v)
	require.Equal(t, []string{"name"}, fieldsOf(v.Err()), "a blank name is no name")
	ok := "1234"
	v = ports.Validation{}
	in = Input{Name: strings.Repeat("é", 50), PIN: &ok, RemovePIN: true}
	in.normalize(&v)
	require.Equal(t, []string{"pin"}, fieldsOf(v.Err()), "50 characters fit; a PIN is not set and removed at once")
}

func TestChosenTitles(t *testing.T) {
	t.Parallel()
	a, b := ports.NewID(), ports.NewID()
	v := ports.Validation{}
	in := Input{Name: "Kid", IsKids: true, AllowedClassIDs: []string{a, " " + strings.ToUpper(b) + " ", a}}
	in.normalize(&v)
	require.NoError(t, v.Err())
	require.Equal(t, []string{a, b}, in.AllowedClassIDs, "trimmed, lower-cased, each once, in their order")
	var p Profile
	in.apply(&p, Owner{})
	require.Equal(t, []string{a, b}, p.AllowedClassIDs)

	v = ports.Validation{}
	in = Input{Name: "Kid", IsKids: true, AllowedClassIDs: []string{}}
	in.normalize(&v)
	require.NoError(t, v.Err(), "an empty list (nothing to watch yet) is a choice")
	require.NotNil(t, in.AllowedClassIDs)

	v = ports.Validation{}
	in = Input{Name: "Grown-up", AllowedClassIDs: []string{a}}
	in.normalize(&v)
	require.Equal(t, []string{"allowed_class_ids"}, fieldsOf(v.Err()), "only kids profiles are limited to titles")

	v = ports.Validation{}
	in = Input{Name: "Kid", IsKids: true, AllowedClassIDs: []string{a, "not-an-id"}}
	in.normalize(&v)
	require.Equal(t, []string{"allowed_class_ids"}, fieldsOf(v.Err()))

	many := make([]string, MaxAllowedTitles+1)
	for i := range many {
		many[i] = ports.NewID()
	}
	v = ports.Validation{}
	in = Input{Name: "Kid", IsKids: true, AllowedClassIDs: many}
	in.normalize(&v)
	require.Equal(t, []string{"allowed_class_ids"}, fieldsOf(v.Err()), "at most 200 titles")
}

func TestPrimaryProfileIsNamedAfterTheAccount(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Ann Lee", primaryName(Owner{DisplayName: " Ann Lee "}))
	require.Equal(t, "Main", primaryName(Owner{}))
	require.Equal(t, strings.Repeat("é", 50), primaryName(Owner{DisplayName: strings.Repeat("é", 100)}), "cut to 50 characters")
	require.Equal(t, "en-US", defaultLanguage(Owner{Locale: "not a tag"}))
	require.Equal(t, "pt-BR", defaultLanguage(Owner{Locale: "pt-BR"}))
}

func TestChangedFields(t *testing.T) {
	t.Parallel()
	a := Profile{Name: "A", ContentRatingLimit: "TV-MA", Language: "en", AutoplayNextEpisode: true, PINHash: "x"}
	b := a
	require.Empty(t, changedFields(a, b))
	b.Name, b.IsKids, b.ContentRatingLimit, b.PINHash = "B", true, "TV-PG", ""
	require.Equal(t, []string{"name", "content_rating_limit", "is_kids"}, changedFields(a, b), "the PIN is never named")
}

func TestFixedLimit(t *testing.T) {
	t.Parallel()
	var l Limits = FixedLimit(5)
	n, err := l.MaxProfiles(context.Background(), ports.NewID(), ports.NewID())
	require.NoError(t, err)
	require.Equal(t, 5, n)
}

// signer is a ports.TokenSigner that keeps the claims of the tokens it signs in memory.
type signer struct{ issued map[string]ports.Claims }

func (s *signer) Sign(_ context.Context, c ports.Claims) (string, error) {
	tok := "t" + ports.NewID()
	s.issued[tok] = c
	return tok, nil
}

func (s *signer) Verify(_ context.Context, token, audience string) (ports.Claims, error) {
	c, ok := s.issued[token]
	if !ok || c.Audience != audience {
		return ports.Claims{}, ports.Unauthenticated("INVALID_TOKEN", "bad token")
	}
	return c, nil
}

func (*signer) PublicKeys(context.Context) []ports.PublicKey { return nil }

func TestParseToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sg := &signer{issued: map[string]ports.Claims{}}
	s := NewService(Deps{Signer: sg})
	tenant, user, prof := ports.NewID(), ports.NewID(), ports.NewID()
	sign := func(c ports.Claims) string {
		tok, err := sg.Sign(ctx, c)
		require.NoError(t, err)
		return tok
	}
	good := ports.Claims{Subject: user, Kind: TokenKind, TenantID: tenant, ProfileID: prof, Audience: TokenAudience}
	got, err := s.ParseToken(ctx, tenant, sign(good))
	require.NoError(t, err)
	require.Equal(t, Session{TenantID: tenant, UserID: user, ProfileID: prof}, got)

	access := good
	access.Kind, access.Audience = "user", "tenant"
	otherKind := good
	otherKind.Kind = "user"
	noProfile := good
	noProfile.ProfileID = ""
	for name, tok := range map[string]string{
		"unknown":              "nope",
		"an access token":      sign(access),
		"another kind":         sign(otherKind),
		"no profile":           sign(noProfile),
		"another tenant's one": "",
	} {
		tenantID := tenant
		if tok == "" {
			tok, tenantID = sign(good), ports.NewID()
		}
		_, err := s.ParseToken(ctx, tenantID, tok)
		require.ErrorIs(t, err, ports.ErrUnauthenticated, name)
		require.Equal(t, "INVALID_PROFILE_TOKEN", ports.AsError(err).Code, name)
	}
}
