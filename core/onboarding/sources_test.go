package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stvos/stvos/core/onboarding"
	"github.com/stvos/stvos/ports"
)

// memSources is an in-memory onboarding.SourceStore of one tenant.
type memSources map[string]onboarding.Source

func (m memSources) PutSource(_ context.Context, s onboarding.Source) error {
	if old, ok := m[s.Name]; ok {
		s.CreatedAt = old.CreatedAt
	}
	m[s.Name] = s
	return nil
}
func (m memSources) Source(_ context.Context, name string) (onboarding.Source, error) {
	s, ok := m[name]
	if !ok {
		return s, ports.NotFound("integration source")
	}
	return s, nil
}
func (m memSources) Sources(context.Context) ([]onboarding.Source, error) {
	out := []onboarding.Source{}
	for _, s := range m {
		out = append(out, s)
	}
	return out, nil
}
func (m memSources) DeleteSource(_ context.Context, name string) error {
	if _, ok := m[name]; !ok {
		return ports.NotFound("integration source")
	}
	delete(m, name)
	return nil
}

func TestSourcesSealTheSecretAndGuardEveryURL(t *testing.T) {
	t.Parallel()
	st := memSources{}
	svc := onboarding.NewSources(onboarding.SourceDeps{UnitOfWork: memUoW{}, Store: st, Guard: guard{}, Sealer: plainSealer{}, Clock: ports.SystemClock{}})
	ctx := context.Background()
	in := onboarding.SourceInput{AuthURL: "https://acme.example/authorize", TokenURL: "https://acme.example/token", ClientID: "cid",
		ClientSecret: "s3cret", LocationsURL: "https://acme.example/locations"}

	for field, mutate := range map[string]func(*onboarding.SourceInput){
		"auth_url":      func(i *onboarding.SourceInput) { i.AuthURL = "http://10.0.0.1/" },
		"token_url":     func(i *onboarding.SourceInput) { i.TokenURL = "javascript:alert(1)" },
		"locations_url": func(i *onboarding.SourceInput) { i.LocationsURL = "" },
		"menus_url":     func(i *onboarding.SourceInput) { i.MenusURL = "ftp://acme.example/" },
		"userinfo_url":  func(i *onboarding.SourceInput) { i.UserInfoURL = "http://acme.example/" },
		"client_id":     func(i *onboarding.SourceInput) { i.ClientID = "" },
	} {
		bad := in
		mutate(&bad)
		_, err := svc.Put(ctx, "t1", "acme-pos", bad)
		require.ErrorIs(t, err, ports.ErrInvalid, field)
		require.Equal(t, field, ports.AsError(err).Fields[0].Field)
	}
	_, err := svc.Put(ctx, "t1", onboarding.SandboxSource, in)
	require.Equal(t, "source", ports.AsError(err).Fields[0].Field, "the built-in name is reserved")

	src, err := svc.Put(ctx, "t1", "acme-pos", in)
	require.NoError(t, err)
	require.Equal(t, "integration-source-secret:t1:acme-pos|s3cret", src.SealedClientSecret, "sealed, bound to the client and source")
	in.ClientSecret, in.ClientID = "", "cid-2"
	_, err = svc.Put(ctx, "t1", "acme-pos", in)
	require.NoError(t, err)
	cfg, ok, err := svc.Config(ctx, "t1", "acme-pos")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "s3cret", cfg.ClientSecret, "an empty secret keeps the stored one")
	require.Equal(t, "cid-2", cfg.ClientID)
	_, ok, err = svc.Config(ctx, "t1", "other")
	require.NoError(t, err)
	require.False(t, ok)
	require.NoError(t, svc.Delete(ctx, "t1", "acme-pos"))
	require.ErrorIs(t, svc.Delete(ctx, "t1", "acme-pos"), ports.ErrNotFound)
}
