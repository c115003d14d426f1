package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

const (
	operatorEmail = "bench@stvos.local"
	password      = "bench-password-1"
)

// fixture is what the load needs: a client with content strings, its API key, and a subscriber's
// access token.
type fixture struct {
	tenantID    string
	apiKey      string
	accessToken string
}

// onboard creates the fixture over HTTP exactly as an operator and an app would.
func onboard(ctx context.Context, base string) (fixture, error) {
	var fx fixture
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if err := call(ctx, base, "POST", "/platform/auth/login", nil,
		map[string]string{"email": operatorEmail, "password": password}, &login); err != nil {
		return fx, err
	}
	op := map[string]string{"Authorization": "Bearer " + login.AccessToken}
	var t struct {
		ID string `json:"id"`
	}
	if err := call(ctx, base, "POST", "/platform/tenants", op, map[string]any{"name": "Bench Fitness", "slug": "bench",
		"strings": map[string]string{"st_aboutus": "<h1>About</h1><p>Classes anywhere.</p>", "st_privacypolicy": "<p>Policy</p>"}}, &t); err != nil {
		return fx, err
	}
	fx.tenantID = t.ID
	var k struct {
		Key string `json:"key"`
	}
	if err := call(ctx, base, "POST", "/platform/tenants/"+t.ID+"/api-keys", op, map[string]string{"name": "bench"}, &k); err != nil {
		return fx, err
	}
	fx.apiKey = k.Key
	var reg struct {
		Data struct {
			AccessToken string `json:"accessToken"`
		} `json:"data"`
	}
	if err := call(ctx, base, "POST", "/auth/register", map[string]string{"X-API-Key": k.Key},
		map[string]string{"email": "runner@bench.test", "password": password, "name": "Bench Runner"}, &reg); err != nil {
		return fx, err
	}
	fx.accessToken = reg.Data.AccessToken
	return fx, nil
}

func call(ctx context.Context, base, method, path string, headers map[string]string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(res.Body); err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, strings.TrimSpace(raw.String()))
	}
	return json.Unmarshal(raw.Bytes(), out)
}

// route is one authenticated read to drive.
type route struct {
	name    string
	url     string
	headers http.Header
}

func pickRoutes(names, base string, fx fixture) ([]route, error) {
	var out []route
	for _, n := range strings.Split(names, ",") {
		switch strings.TrimSpace(n) {
		case "app-strings":
			out = append(out, route{name: "GET /app/strings (API key)", url: base + "/app/strings",
				headers: http.Header{"X-Api-Key": {fx.apiKey}}})
		case "users-me":
			out = append(out, route{name: "GET /users/me (bearer)", url: base + "/users/me",
				headers: http.Header{"Authorization": {"Bearer " + fx.accessToken}}})
		default:
			return nil, fmt.Errorf("unknown route %q (app-strings, users-me)", n)
		}
	}
	return out, nil
}
