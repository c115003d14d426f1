package subscriber

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/profile"
)

// ProfileBody is a sub-profile as the specification shows it. The PIN is never shown, only
// whether there is one.
type ProfileBody struct {
	ID                  string    `json:"id" format:"uuid"`
	Name                string    `json:"name"`
	AvatarURL           *string   `json:"avatar_url" nullable:"true" doc:"The avatar's image; null while the platform serves no avatar library."`
	AvatarPresetID      *string   `json:"avatar_preset_id" nullable:"true" format:"uuid" doc:"Preset avatar UUID from the platform's avatar library; null when none was chosen."`
	IsPrimary           bool      `json:"is_primary" doc:"The account's own profile, made with the account's first profile listing and named after it; it cannot be deleted."`
	PINProtected        bool      `json:"pin_protected" doc:"Whether switching to the profile needs its PIN (POST /profiles/{profile_id}/verify-pin)."`
	ContentRatingLimit  string    `json:"content_rating_limit" enum:"G,PG,PG-13,R,NC-17,TV-Y,TV-G,TV-PG,TV-14,TV-MA"`
	Language            string    `json:"language" example:"en-US"`
	IsKids              bool      `json:"is_kids"`
	AutoplayNextEpisode bool      `json:"autoplay_next_episode"`
	AllowedClassIDs     []string  `json:"allowed_class_ids" nullable:"true" doc:"The only classes a kids profile is shown; null: every class within its content rating limit."`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

func profileBody(p profile.Profile) ProfileBody {
	b := ProfileBody{ID: p.ID, Name: p.Name, IsPrimary: p.IsPrimary, PINProtected: p.PINProtected(),
		ContentRatingLimit: p.ContentRatingLimit, Language: p.Language, IsKids: p.IsKids, AutoplayNextEpisode: p.AutoplayNextEpisode,
		AllowedClassIDs: p.AllowedClassIDs, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.AvatarPresetID != "" {
		id := p.AvatarPresetID
		b.AvatarPresetID = &id
	}
	return b
}

const ratingDoc = "Classes rated above it are not listed to the profile (send its token as X-Profile-Token with the " +
	"app's catalog calls); unrated classes are. Default TV-MA (everything), or TV-PG for a kids profile, whose limit may " +
	"not exceed TV-PG or PG."

// ProfileFields are a profile's fields as a subscriber writes them.
type ProfileFields struct {
	Name                string   `json:"name" minLength:"1" maxLength:"50"`
	AvatarPresetID      string   `json:"avatar_preset_id,omitempty" format:"uuid" doc:"Preset avatar UUID from the platform's avatar library."`
	ContentRatingLimit  string   `json:"content_rating_limit,omitempty" enum:"G,PG,PG-13,R,NC-17,TV-Y,TV-G,TV-PG,TV-14,TV-MA" doc:"The highest content rating the profile is shown; default TV-MA, or TV-PG for a kids profile (whose limit may not exceed TV-PG or PG)."`
	Language            string   `json:"language,omitempty" maxLength:"35" example:"en-US" doc:"A language tag; default the account's locale."`
	IsKids              bool     `json:"is_kids,omitempty" default:"false" doc:"A kids profile: its content rating limit is at most TV-PG (or PG)."`
	AutoplayNextEpisode *bool    `json:"autoplay_next_episode,omitempty" default:"true"`
	AllowedClassIDs     []string `json:"allowed_class_ids,omitempty" nullable:"true" maxItems:"200" doc:"Limits a kids profile to these classes of the client (at most 200; an empty list shows none). Left out or null: every class within its content rating limit. Not for other profiles."`
}

func (f ProfileFields) input() profile.Input {
	return profile.Input{Name: f.Name, AvatarPresetID: f.AvatarPresetID, ContentRatingLimit: f.ContentRatingLimit,
		Language: f.Language, IsKids: f.IsKids, AutoplayNextEpisode: f.AutoplayNextEpisode, AllowedClassIDs: f.AllowedClassIDs}
}

// MasterPINHeader carries the account's master PIN to a change of its profiles.
type MasterPINHeader struct {
	MasterPIN string `header:"X-Master-PIN" maxLength:"6" doc:"The account's master PIN (PUT /users/me/master-pin), needed while one is set: without it 403 MASTER_PIN_REQUIRED, wrong 403 INVALID_MASTER_PIN (5 wrong guesses from an address in 15 minutes: 429 TOO_MANY_ATTEMPTS)."`
}

func (h MasterPINHeader) unlock(ctx context.Context) profile.Unlock {
	return profile.Unlock{MasterPIN: h.MasterPIN, Address: surface.ClientOf(ctx).Address}
}

// CreateProfileInput is the specification's Create Sub-Profile request.
type CreateProfileInput struct {
	MasterPINHeader
	Body struct {
		ProfileFields
		PIN *string `json:"pin,omitempty" minLength:"4" maxLength:"6" pattern:"^\\d+$" doc:"Numeric PIN for profile lock. Required if is_kids is false and PIN protection is desired. Kept only as a hash, never shown."`
	}
}

// PINChange is the pin of a replacement: left out, the PIN stays as it is (it cannot be read
// back); null removes it; a string sets it.
type PINChange struct {
	Sent  bool
	Value *string
}

// UnmarshalJSON records that the field was sent, null or not.
func (p *PINChange) UnmarshalJSON(b []byte) error {
	p.Sent = true
	if string(b) == "null" {
		p.Value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p.Value = &s
	return nil
}

// Schema is a string; the field's tags add its bounds and nullability.
func (PINChange) Schema(huma.Registry) *huma.Schema { return &huma.Schema{Type: huma.TypeString} }

// UpdateProfileInput is the specification's Update Sub-Profile request: a replacement.
type UpdateProfileInput struct {
	ProfileIDInput
	MasterPINHeader
	Body struct {
		ProfileFields
		PIN PINChange `json:"pin,omitempty" nullable:"true" minLength:"4" maxLength:"6" pattern:"^\\d+$" doc:"Numeric PIN for profile lock, kept only as a hash. Left out: the PIN stays as it is; null: the PIN is removed."`
	}
}

// ProfileIDInput names one of the caller's profiles.
type ProfileIDInput struct {
	ProfileID string `path:"profile_id" format:"uuid"`
}

// DeleteProfileInput names one of the caller's profiles to delete.
type DeleteProfileInput struct {
	ProfileIDInput
	MasterPINHeader
}

// ProfileOutput is one profile.
type ProfileOutput struct{ Body ProfileBody }

// ProfileListOutput lists the caller's profiles.
type ProfileListOutput struct {
	Body struct {
		Data         []ProfileBody `json:"data"`
		MasterPINSet bool          `json:"master_pin_set" doc:"Whether the account's profile settings are guarded by a master PIN (send it as X-Master-PIN to create, change or delete a profile)."`
	}
}

// MasterPINInput sets or removes the account's master PIN.
type MasterPINInput struct {
	Body struct {
		PIN      *string `json:"pin" nullable:"true" minLength:"4" maxLength:"6" pattern:"^\\d+$" doc:"The new master PIN, 4 to 6 digits, kept only as a hash; null removes it."`
		Password string  `json:"password" minLength:"1" maxLength:"128" doc:"The account's password, which confirms the change (a wrong one counts as a failed sign-in)."`
	}
}

// VerifyPINInput is the specification's Verify Profile PIN request.
type VerifyPINInput struct {
	ProfileIDInput
	Body struct {
		PIN *string `json:"pin,omitempty" minLength:"4" maxLength:"6" pattern:"^\\d+$" doc:"The profile's PIN; required when the profile is PIN-protected, ignored otherwise."`
	}
}

// ProfileTokenOutput is a profile session token.
type ProfileTokenOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		ProfileToken string `json:"profile_token" doc:"Send it as X-Profile-Token with the app's catalog calls (GET /classes, GET /classes/{id}) so the profile's content rating limit applies. It is no bearer token."`
		ExpiresIn    int    `json:"expires_in" example:"600" doc:"Seconds the token lives."`
	}
}

func registerProfiles(s *surface.Surface, profiles *profile.Service) {
	read := surface.PermitScoped("self:profiles:read", "profile", surface.UserToken)
	write := surface.PermitScoped("self:profiles:write", "profile", surface.UserToken)
	huma.Register(s.API, huma.Operation{
		OperationID: "list-profiles", Method: http.MethodGet, Path: "/profiles", Tags: []string{"profiles"},
		Summary: "List my sub-profiles",
		Description: "The primary profile first, then in creation order. An account's first listing (or creation) of profiles " +
			"makes its primary profile, named after the account.",
		Metadata: read,
	}, func(ctx context.Context, _ *struct{}) (*ProfileListOutput, error) {
		p := surface.PrincipalFrom(ctx)
		ps, err := profiles.List(ctx, p.TenantID, p.Actor())
		if err != nil {
			return nil, err
		}
		out := &ProfileListOutput{}
		out.Body.Data = make([]ProfileBody, len(ps))
		for i, x := range ps {
			out.Body.Data[i] = profileBody(x)
		}
		out.Body.MasterPINSet, err = profiles.MasterPINSet(ctx, p.TenantID, p.Subject)
		return out, err
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "create-profile", Method: http.MethodPost, Path: "/profiles", Tags: []string{"profiles"},
		Summary: "Create sub-profile",
		Description: "Creates a new profile. Returns 409 PROFILE_LIMIT_REACHED if the plan's profile limit (max_profiles, the " +
			"primary profile included) is reached. content_rating_limit: " + ratingDoc + " Audit-logged.",
		DefaultStatus: http.StatusCreated, Metadata: write,
		Errors: []int{http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *CreateProfileInput) (*ProfileOutput, error) {
		p := surface.PrincipalFrom(ctx)
		i := in.Body.input()
		i.PIN = in.Body.PIN
		created, err := profiles.Create(ctx, p.TenantID, p.Actor(), i, in.unlock(ctx))
		if err != nil {
			return nil, err
		}
		return &ProfileOutput{Body: profileBody(created)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-profile", Method: http.MethodGet, Path: "/profiles/{profile_id}", Tags: []string{"profiles"},
		Summary: "Get sub-profile", Description: "Another account's profile is 404 PROFILE_NOT_FOUND.",
		Metadata: read, Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *ProfileIDInput) (*ProfileOutput, error) {
		p := surface.PrincipalFrom(ctx)
		got, err := profiles.Get(ctx, p.TenantID, p.Subject, in.ProfileID)
		if err != nil {
			return nil, err
		}
		return &ProfileOutput{Body: profileBody(got)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "update-profile", Method: http.MethodPut, Path: "/profiles/{profile_id}", Tags: []string{"profiles"},
		Summary: "Update sub-profile",
		Description: "Replaces the profile's fields: those left out take their defaults, except the PIN, which stays as it " +
			"is unless set (or removed with null). content_rating_limit: " + ratingDoc + " Audit-logged.",
		Metadata: write,
		Errors:   []int{http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *UpdateProfileInput) (*ProfileOutput, error) {
		p := surface.PrincipalFrom(ctx)
		i := in.Body.input()
		i.PIN, i.RemovePIN = in.Body.PIN.Value, in.Body.PIN.Sent && in.Body.PIN.Value == nil
		updated, err := profiles.Update(ctx, p.TenantID, p.Actor(), in.ProfileID, i, in.unlock(ctx))
		if err != nil {
			return nil, err
		}
		return &ProfileOutput{Body: profileBody(updated)}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "delete-profile", Method: http.MethodDelete, Path: "/profiles/{profile_id}", Tags: []string{"profiles"},
		Summary: "Delete sub-profile",
		Description: "Deletes profile and associated watchlist/progress data. The primary profile cannot be deleted: 409 " +
			"PRIMARY_PROFILE_UNDELETABLE. Audit-logged.",
		DefaultStatus: http.StatusNoContent, Metadata: write,
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *DeleteProfileInput) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		return nil, profiles.Delete(ctx, p.TenantID, p.Actor(), in.ProfileID, in.unlock(ctx))
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "set-master-pin", Method: http.MethodPut, Path: "/users/me/master-pin", Tags: []string{"profiles"},
		Summary: "Set or remove the master PIN",
		Description: "Not in the specification. A master PIN guards the account's profile settings: while it is set, creating, " +
			"changing or deleting a profile needs it in X-Master-PIN. Setting, changing or removing it (pin null) needs the " +
			"account's password (401 INVALID_CREDENTIALS when wrong, throttled like sign-in), not the old PIN. Audit-logged.",
		DefaultStatus: http.StatusNoContent, Metadata: write,
		Errors: []int{http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *MasterPINInput) (*struct{}, error) {
		p := surface.PrincipalFrom(ctx)
		return nil, profiles.SetMasterPIN(ctx, p.TenantID, p.Actor(),
			profile.MasterPINChange{PIN: in.Body.PIN, Password: in.Body.Password, Address: surface.ClientOf(ctx).Address})
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "verify-profile-pin", Method: http.MethodPost, Path: "/profiles/{profile_id}/verify-pin", Tags: []string{"profiles"},
		Summary: "Verify profile PIN",
		Description: "Returns a short-lived profile session token (10 minutes). Required before switching to a PIN-protected " +
			"profile; a profile without a PIN answers a token whatever PIN is sent, or none. A wrong PIN is 403 INVALID_PIN " +
			"and counts as a failed guess of the profile from the caller's address: past 5 in 15 minutes, 429 " +
			"TOO_MANY_ATTEMPTS with Retry-After. The token is a JWT of audience \"profile\" (claims sub: the account, prf: " +
			"the profile), verifiable with /oauth/jwks, and no bearer token of any surface.",
		Metadata: write,
		Errors:   []int{http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *VerifyPINInput) (*ProfileTokenOutput, error) {
		p := surface.PrincipalFrom(ctx)
		tok, err := profiles.VerifyPIN(ctx, p.TenantID, p.Actor(), p.SessionID, in.ProfileID, in.Body.PIN, surface.ClientOf(ctx).Address)
		if err != nil {
			return nil, err
		}
		out := &ProfileTokenOutput{CacheControl: "no-store"}
		out.Body.ProfileToken, out.Body.ExpiresIn = tok.Token, tok.ExpiresIn
		return out, nil
	})
}
