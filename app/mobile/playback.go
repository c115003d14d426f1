package mobile

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/playback"
	"github.com/stvos/stvos/core/profile"
	"github.com/stvos/stvos/ports"
)

// PlaybackBody is a playback session.
type PlaybackBody struct {
	ID                       string     `json:"id" format:"uuid"`
	ClassID                  string     `json:"classId" format:"uuid"`
	StartedAt                time.Time  `json:"startedAt"`
	EndedAt                  *time.Time `json:"endedAt,omitempty"`
	PositionSeconds          int        `json:"positionSeconds"`
	WatchedSeconds           int        `json:"watchedSeconds" doc:"Time reported watching, counted between heartbeats."`
	Completed                bool       `json:"completed" doc:"90 % of the class reached or watched."`
	HeartbeatIntervalSeconds int        `json:"heartbeatIntervalSeconds,omitempty" doc:"Report at least this often to keep the stream."`
	MaxConcurrentStreams     int        `json:"maxConcurrentStreams,omitempty"`
}

func playbackBody(s playback.Session) PlaybackBody {
	return PlaybackBody{ID: s.ID, ClassID: s.ClassID, StartedAt: s.StartedAt, EndedAt: s.EndedAt, PositionSeconds: s.PositionSeconds,
		WatchedSeconds: s.WatchedSeconds, Completed: s.Completed}
}

// PlaybackOutput is one session.
type PlaybackOutput struct {
	Body surface.Envelope[struct {
		Session PlaybackBody `json:"session"`
	}]
}

func playbackOutput(b PlaybackBody) *PlaybackOutput {
	out := &PlaybackOutput{}
	out.Body = surface.OK(out.Body.Data)
	out.Body.Data.Session = b
	return out
}

// StartPlaybackInput starts watching.
type StartPlaybackInput struct {
	ProfileViewer
	Body struct {
		ClassID    string `json:"classId" format:"uuid"`
		DeviceName string `json:"deviceName,omitempty" maxLength:"100" example:"Living room TV"`
	}
}

// PlaybackIDInput names a session.
type PlaybackIDInput struct {
	ID string `path:"id" format:"uuid"`
}

// HeartbeatInput reports progress.
type HeartbeatInput struct {
	PlaybackIDInput
	Body struct {
		PositionSeconds int `json:"positionSeconds" minimum:"0" maximum:"86400" doc:"Seconds into the class."`
	}
}

// StopPlaybackInput stops watching.
type StopPlaybackInput struct {
	PlaybackIDInput
	PositionSeconds int `query:"positionSeconds" minimum:"-1" maximum:"86400" default:"-1" doc:"Where the member stopped, if known (-1: not known)."`
}

// HistoryInput pages the history.
type HistoryInput struct {
	surface.PageInput
}

// HistoryItem is one viewing.
type HistoryItem struct {
	SessionID string `json:"sessionId" format:"uuid"`
	Class     struct {
		ID              string `json:"id" format:"uuid"`
		Title           string `json:"title"`
		Category        string `json:"category"`
		DurationSeconds int    `json:"durationSeconds"`
	} `json:"class"`
	StartedAt       time.Time  `json:"startedAt"`
	EndedAt         *time.Time `json:"endedAt,omitempty"`
	PositionSeconds int        `json:"positionSeconds"`
	WatchedSeconds  int        `json:"watchedSeconds"`
	Completed       bool       `json:"completed"`
}

// HistoryOutput is a page of history.
type HistoryOutput struct {
	Body surface.Envelope[struct {
		History    []HistoryItem      `json:"history"`
		Pagination surface.Pagination `json:"pagination"`
	}]
}

// mayWatch refuses, as not found, a class the caller's profile (named by its token, if sent) may
// not be shown. The token must be one of the caller's own profiles.
func (v ProfileViewer) mayWatch(ctx context.Context, profiles *profile.Service, cat *catalog.Service, classID string) error {
	if !ports.IsID(classID) {
		return nil // the start refuses it, naming the field
	}
	viewer, err := v.viewer(ctx, profiles)
	if err != nil || viewer == nil {
		return err
	}
	p := surface.PrincipalFrom(ctx)
	if viewer.UserID != p.Subject {
		return profile.ErrBadToken
	}
	_, err = cat.ClassFor(ctx, p.TenantID, classID, true, viewer)
	return err
}

func registerPlayback(s *surface.Surface, pb *playback.Service, cat *catalog.Service, profiles *profile.Service) {
	member := func(perm string) map[string]any {
		return surface.PermitScoped(perm, "content:read", surface.APIKey, surface.UserToken)
	}
	huma.Register(s.API, huma.Operation{
		OperationID: "start-playback", Method: http.MethodPost, Path: "/playback/sessions", Tags: []string{"playback"},
		Summary: "Start watching a class",
		Description: "Takes one of the account's stream slots, shared by every server: past the account's limit of concurrent streams " +
			"the answer is 409 STREAM_LIMIT_REACHED naming the limit. Keep the slot with a heartbeat at least every " +
			"heartbeatIntervalSeconds; a player that goes silent loses it after three intervals. With X-Profile-Token (one of " +
			"the caller's own profiles), a class the profile may not be shown (rated beyond its limit, or not among a kids " +
			"profile's chosen titles) is 404 CLASS_NOT_FOUND.",
		DefaultStatus: http.StatusCreated, Metadata: member("self:playback:write"),
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *StartPlaybackInput) (*PlaybackOutput, error) {
		p := surface.PrincipalFrom(ctx)
		if err := in.mayWatch(ctx, profiles, cat, in.Body.ClassID); err != nil {
			return nil, err
		}
		sess, err := pb.Start(ctx, p.TenantID, p.Subject, in.Body.ClassID, in.Body.DeviceName)
		if err != nil {
			return nil, err
		}
		b := playbackBody(sess)
		b.HeartbeatIntervalSeconds, b.MaxConcurrentStreams = int(pb.HeartbeatInterval()/time.Second), sess.MaxStreams
		return playbackOutput(b), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "heartbeat-playback", Method: http.MethodPost, Path: "/playback/sessions/{id}/heartbeat", Tags: []string{"playback"},
		Summary:     "Keep watching: report the position",
		Description: "Keeps the stream slot and records the position. A stream whose slot was lost answers 409 PLAYBACK_EXPIRED: start again.",
		Metadata:    member("self:playback:write"), Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *HeartbeatInput) (*PlaybackOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sess, err := pb.Heartbeat(ctx, p.TenantID, p.Subject, in.ID, in.Body.PositionSeconds)
		if err != nil {
			return nil, err
		}
		return playbackOutput(playbackBody(sess)), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "stop-playback", Method: http.MethodDelete, Path: "/playback/sessions/{id}", Tags: []string{"playback"},
		Summary:     "Stop watching",
		Description: "Frees the stream slot and records the time watched. Stopping a stopped stream answers it unchanged.",
		Metadata:    member("self:playback:write"), Errors: []int{http.StatusNotFound},
	}, func(ctx context.Context, in *StopPlaybackInput) (*PlaybackOutput, error) {
		p := surface.PrincipalFrom(ctx)
		sess, err := pb.Stop(ctx, p.TenantID, p.Subject, in.ID, in.PositionSeconds)
		if err != nil {
			return nil, err
		}
		return playbackOutput(playbackBody(sess)), nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-my-history", Method: http.MethodGet, Path: "/me/history", Tags: []string{"playback"},
		Summary: "My viewing history", Description: "Newest first, page by page.",
		Metadata: surface.PermitScoped("self:history:read", "content:read", surface.APIKey, surface.UserToken),
		Errors:   []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *HistoryInput) (*HistoryOutput, error) {
		p := surface.PrincipalFrom(ctx)
		page, limit := in.Pages()
		h, err := pb.UserHistory(ctx, p.TenantID, p.Subject, page, limit)
		if err != nil {
			return nil, err
		}
		out := &HistoryOutput{}
		out.Body = surface.OK(out.Body.Data)
		out.Body.Data.History = make([]HistoryItem, len(h.Sessions))
		for i, s := range h.Sessions {
			it := HistoryItem{SessionID: s.ID, StartedAt: s.StartedAt, EndedAt: s.EndedAt, PositionSeconds: s.PositionSeconds,
				WatchedSeconds: s.WatchedSeconds, Completed: s.Completed}
			it.Class.ID, it.Class.Title, it.Class.Category, it.Class.DurationSeconds = s.ClassID, s.ClassTitle, s.CategoryName, s.DurationSeconds
			out.Body.Data.History[i] = it
		}
		out.Body.Data.Pagination = surface.NewPagination(page, limit, h.Total)
		return out, nil
	})
}
