package flagapi

import (
	"context"
	"io"
	"mime"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/flag"
	"github.com/stvos/stvos/ports"
)

// Scope is where a route's tenant comes from: the path's tenant_id on the platform surface, the
// caller's own tenant on the subscriber surface. Every input embeds it.
type Scope struct{ tenantID string }

// Resolve reads the tenant.
func (s *Scope) Resolve(ctx huma.Context) []error {
	if id := ctx.Param("tenant_id"); id != "" {
		if !ports.IsID(id) {
			return []error{&huma.ErrorDetail{Location: "path.tenant_id", Message: "must be a client id", Value: id}}
		}
		s.tenantID = id
		return nil
	}
	s.tenantID = surface.PrincipalFrom(ctx.Context()).TenantID
	return nil
}

// ListInput pages through flags or segments.
type ListInput struct {
	Scope
	Cursor string `query:"cursor" maxLength:"100" doc:"Opaque pagination cursor from meta.next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Number of items per page (1–100, default 20)."`
}

// FlagKeyInput names a flag.
type FlagKeyInput struct {
	Scope
	FlagKey string `path:"flag_key" maxLength:"100"`
}

// CreateFlagInput adds a flag.
type CreateFlagInput struct {
	Scope
	Body CreateFlagBody
}

// PatchFlagInput changes a flag.
type PatchFlagInput struct {
	FlagKeyInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the flag changed since."`
	Body    PatchFlagBody
}

// DeleteFlagInput removes a flag.
type DeleteFlagInput struct {
	FlagKeyInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the flag changed since."`
}

// FlagOutput is one flag with its ETag.
type FlagOutput struct {
	ETag string `header:"ETag"`
	Body FlagBody
}

// FlagListOutput is a page of flags.
type FlagListOutput struct {
	Body surface.CursorPage[FlagBody]
}

// TargetsInput adds or removes a flag's individual targets.
type TargetsInput struct {
	FlagKeyInput
	Body ContextsBody
}

// CountOutput answers a count of contexts.
type CountOutput struct {
	Body CountBody
}

// SegmentKeyInput names a segment.
type SegmentKeyInput struct {
	Scope
	SegmentKey string `path:"segment_key" maxLength:"100"`
}

// CreateSegmentInput adds a segment.
type CreateSegmentInput struct {
	Scope
	Body CreateSegmentBody
}

// PatchSegmentInput changes a segment.
type PatchSegmentInput struct {
	SegmentKeyInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the segment changed since."`
	Body    PatchSegmentBody
}

// DeleteSegmentInput removes a segment.
type DeleteSegmentInput struct {
	SegmentKeyInput
	IfMatch string `header:"If-Match" doc:"The ETag last read; refused with 412 if the segment changed since."`
}

// SegmentOutput is one segment with its ETag.
type SegmentOutput struct {
	ETag string `header:"ETag"`
	Body SegmentBody
}

// SegmentListOutput is a page of segments.
type SegmentListOutput struct {
	Body surface.CursorPage[SegmentBody]
}

// MembersInput adds or removes a segment's contexts.
type MembersInput struct {
	SegmentKeyInput
	Body ContextsBody
}

// CSVBody is a text/csv request body, read as a stream by the handler.
type CSVBody struct{ r io.Reader }

// Resolve takes the body's reader, refusing other media types.
func (c *CSVBody) Resolve(ctx huma.Context) []error {
	mt, _, _ := mime.ParseMediaType(ctx.Header("Content-Type"))
	if mt != "text/csv" && mt != "text/plain" {
		return []error{&huma.ErrorDetail{Location: "header.Content-Type", Message: "must be text/csv", Value: ctx.Header("Content-Type")}}
	}
	c.r = ctx.BodyReader()
	return nil
}

// UploadInput replaces a segment's own contexts with a CSV document.
type UploadInput struct {
	SegmentKeyInput
	CSV CSVBody
}

// ScheduleListOutput lists a flag's scheduled changes.
type ScheduleListOutput struct {
	Body struct {
		Data []ScheduleBody `json:"data"`
	}
}

// CreateScheduleInput schedules a change of a flag.
type CreateScheduleInput struct {
	FlagKeyInput
	Body CreateScheduleBody
}

// ScheduleIDInput names a scheduled change.
type ScheduleIDInput struct {
	FlagKeyInput
	ScheduleID string `path:"schedule_id" format:"uuid"`
}

// ScheduleOutput is one scheduled change.
type ScheduleOutput struct {
	Body ScheduleBody
}

// MaxUploadBytes bounds a CSV upload (about 100000 rows of long keys).
const MaxUploadBytes = 32 << 20

// Routes says where one surface serves the flag routes and who may call them.
type Routes struct {
	// Prefix is "/admin" or "/platform/tenants/{tenant_id}".
	Prefix string
	// Tag prefixes the operations' tags, such as "admin-".
	Tag string
	// Access declares an operation's access for a permission action ("read" or "write").
	Access func(act string) map[string]any
	// Errors are the statuses every operation of the surface may answer besides its own.
	Errors []int
	// Params document the prefix's path parameters (Scope reads them).
	Params []*huma.Param
}

func (rt Routes) op(id, method, path, tag, summary, act string, errs ...int) huma.Operation {
	op := huma.Operation{OperationID: id, Method: method, Path: rt.Prefix + path, Tags: []string{rt.Tag + tag},
		Summary: summary, Metadata: rt.Access(act), Errors: append(append([]int{}, rt.Errors...), errs...),
		Parameters: append([]*huma.Param{}, rt.Params...)}
	return op
}

func actor(ctx context.Context) flag.Owner {
	return flag.Owner{By: surface.PrincipalFrom(ctx).Actor()}
}

func flagOutput(f flag.Flag, err error) (*FlagOutput, error) {
	if err != nil {
		return nil, err
	}
	return &FlagOutput{ETag: surface.ETag(f.Version), Body: flagBody(f)}, nil
}

func segmentOutput(s flag.Segment, err error) (*SegmentOutput, error) {
	if err != nil {
		return nil, err
	}
	return &SegmentOutput{ETag: surface.ETag(s.Version), Body: segmentBody(s)}, nil
}

func countOutput(n int, err error) (*CountOutput, error) {
	if err != nil {
		return nil, err
	}
	return &CountOutput{Body: CountBody{Count: n}}, nil
}

func limitOf(l int) int { return max(l, 1) }

// Register adds the flag and segment routes to the surface.
func Register(s *surface.Surface, rt Routes, svc *flag.Service) {
	registerFlags(s, rt, svc)
	registerSchedules(s, rt, svc)
	registerSegments(s, rt, svc)
}

func registerFlags(s *surface.Surface, rt Routes, svc *flag.Service) {
	const tag = "flags"
	nf, uv, pf := http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusPreconditionFailed
	huma.Register(s.API, rt.op("list-flags", http.MethodGet, "/flags", tag, "List feature flags", "read", uv),
		func(ctx context.Context, in *ListInput) (*FlagListOutput, error) {
			fs, more, err := svc.ListFlags(ctx, in.tenantID, in.Cursor, limitOf(in.Limit))
			if err != nil {
				return nil, err
			}
			body := make([]FlagBody, len(fs))
			for i, f := range fs {
				body[i] = flagBody(f)
			}
			return &FlagListOutput{Body: surface.NewCursorPage(body, more, limitOf(in.Limit), func(f FlagBody) string { return f.Key })}, nil
		})
	create := rt.op("create-flag", http.MethodPost, "/flags", tag, "Create a feature flag", "write", uv, http.StatusConflict)
	create.DefaultStatus = http.StatusCreated
	create.Description = "Variations are validated against the type. Rules name segments of the client. Audit-logged."
	huma.Register(s.API, create, func(ctx context.Context, in *CreateFlagInput) (*FlagOutput, error) {
		b := in.Body
		return flagOutput(svc.CreateFlag(ctx, in.tenantID, actor(ctx).By, flag.FlagInput{Key: b.Key, Type: flag.Type(b.Type),
			Description: b.Description, Variations: variations(b.Variations), DefaultVariation: b.DefaultVariation,
			OffVariation: b.OffVariation, TargetVariation: b.TargetVariation, Rules: rules(b.Rules), On: b.On}))
	})
	huma.Register(s.API, rt.op("get-flag", http.MethodGet, "/flags/{flag_key}", tag, "Get a feature flag", "read", nf),
		func(ctx context.Context, in *FlagKeyInput) (*FlagOutput, error) {
			return flagOutput(svc.GetFlag(ctx, in.tenantID, in.FlagKey))
		})
	patch := rt.op("update-flag", http.MethodPatch, "/flags/{flag_key}", tag, "Change a feature flag", "write", nf, pf, uv)
	patch.Description = "Absent fields stay as they are; the key and type never change. A change is seen by every server " +
		"process at once (announced after it commits). Audit-logged."
	huma.Register(s.API, patch, func(ctx context.Context, in *PatchFlagInput) (*FlagOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return flagOutput(svc.UpdateFlag(ctx, in.tenantID, actor(ctx).By, in.FlagKey, in.Body.patch(), v))
	})
	del := rt.op("delete-flag", http.MethodDelete, "/flags/{flag_key}", tag, "Delete a feature flag", "write", nf, pf)
	del.DefaultStatus = http.StatusNoContent
	del.Description = "Removes the flag with its individual targets (every partner's) and scheduled changes. Audit-logged."
	huma.Register(s.API, del, func(ctx context.Context, in *DeleteFlagInput) (*struct{}, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return nil, svc.DeleteFlag(ctx, in.tenantID, actor(ctx).By, in.FlagKey, v)
	})
	add := rt.op("add-flag-targets", http.MethodPost, "/flags/{flag_key}/targeting/add", tag, "Target contexts individually",
		"write", nf, uv)
	add.Description = "The contexts get the flag's target_variation while it is on. They belong to the client: partners' " +
		"targets are theirs to change. Answers how many were added. Audit-logged."
	huma.Register(s.API, add, func(ctx context.Context, in *TargetsInput) (*CountOutput, error) {
		return countOutput(svc.AddTargets(ctx, in.tenantID, actor(ctx), in.FlagKey, Contexts(in.Body.Contexts)))
	})
	rm := rt.op("remove-flag-targets", http.MethodPost, "/flags/{flag_key}/targeting/remove", tag, "Remove individual targets",
		"write", nf, uv)
	rm.Description = "Removes the client's own targets among the contexts (partners' stay). Audit-logged."
	huma.Register(s.API, rm, func(ctx context.Context, in *TargetsInput) (*CountOutput, error) {
		return countOutput(svc.RemoveTargets(ctx, in.tenantID, actor(ctx), in.FlagKey, Contexts(in.Body.Contexts)))
	})
}

func registerSchedules(s *surface.Surface, rt Routes, svc *flag.Service) {
	const tag = "flags"
	nf, uv := http.StatusNotFound, http.StatusUnprocessableEntity
	huma.Register(s.API, rt.op("list-flag-schedules", http.MethodGet, "/flags/{flag_key}/schedules", tag,
		"List a flag's scheduled changes", "read", nf),
		func(ctx context.Context, in *FlagKeyInput) (*ScheduleListOutput, error) {
			ss, err := svc.Schedules(ctx, in.tenantID, in.FlagKey)
			if err != nil {
				return nil, err
			}
			out := &ScheduleListOutput{}
			out.Body.Data = make([]ScheduleBody, len(ss))
			for i, sc := range ss {
				out.Body.Data[i] = scheduleBody(sc)
			}
			return out, nil
		})
	create := rt.op("schedule-flag-change", http.MethodPost, "/flags/{flag_key}/schedules", tag, "Schedule a change of a flag",
		"write", nf, uv, http.StatusConflict)
	create.DefaultStatus = http.StatusCreated
	create.Description = "Turns the flag on or off, or sets its default variation, at run_at (a background job, which " +
		"commits with this request). At most 50 pending per flag. Audit-logged, as is the change when it runs."
	huma.Register(s.API, create, func(ctx context.Context, in *CreateScheduleInput) (*ScheduleOutput, error) {
		sc, err := svc.Schedule(ctx, in.tenantID, actor(ctx).By, in.FlagKey, flag.ScheduleInput{Action: flag.Action(in.Body.Action),
			Variation: in.Body.Variation, RunAt: in.Body.RunAt})
		if err != nil {
			return nil, err
		}
		return &ScheduleOutput{Body: scheduleBody(sc)}, nil
	})
	cancel := rt.op("cancel-flag-schedule", http.MethodDelete, "/flags/{flag_key}/schedules/{schedule_id}", tag,
		"Cancel a scheduled change", "write", nf, http.StatusConflict)
	cancel.Description = "A pending change is canceled (its job then does nothing); one that ran is a conflict. Audit-logged."
	huma.Register(s.API, cancel, func(ctx context.Context, in *ScheduleIDInput) (*ScheduleOutput, error) {
		sc, err := svc.CancelSchedule(ctx, in.tenantID, actor(ctx).By, in.FlagKey, in.ScheduleID)
		if err != nil {
			return nil, err
		}
		return &ScheduleOutput{Body: scheduleBody(sc)}, nil
	})
}

func registerSegments(s *surface.Surface, rt Routes, svc *flag.Service) {
	const tag = "segments"
	nf, uv, pf := http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusPreconditionFailed
	huma.Register(s.API, rt.op("list-segments", http.MethodGet, "/segments", tag, "List segments", "read", uv),
		func(ctx context.Context, in *ListInput) (*SegmentListOutput, error) {
			ss, more, err := svc.ListSegments(ctx, in.tenantID, in.Cursor, limitOf(in.Limit))
			if err != nil {
				return nil, err
			}
			body := make([]SegmentBody, len(ss))
			for i, sg := range ss {
				body[i] = segmentBody(sg)
			}
			return &SegmentListOutput{Body: surface.NewCursorPage(body, more, limitOf(in.Limit), func(b SegmentBody) string { return b.Key })}, nil
		})
	create := rt.op("create-segment", http.MethodPost, "/segments", tag, "Create a segment", "write", uv, http.StatusConflict)
	create.DefaultStatus = http.StatusCreated
	create.Description = "Audit-logged."
	huma.Register(s.API, create, func(ctx context.Context, in *CreateSegmentInput) (*SegmentOutput, error) {
		return segmentOutput(svc.CreateSegment(ctx, in.tenantID, actor(ctx).By, flag.SegmentInput{Key: in.Body.Key, Name: in.Body.Name,
			Description: in.Body.Description}))
	})
	huma.Register(s.API, rt.op("get-segment", http.MethodGet, "/segments/{segment_key}", tag, "Get a segment", "read", nf),
		func(ctx context.Context, in *SegmentKeyInput) (*SegmentOutput, error) {
			return segmentOutput(svc.GetSegment(ctx, in.tenantID, in.SegmentKey))
		})
	patch := rt.op("update-segment", http.MethodPatch, "/segments/{segment_key}", tag, "Change a segment", "write", nf, pf, uv)
	patch.Description = "Absent fields stay as they are. Audit-logged."
	huma.Register(s.API, patch, func(ctx context.Context, in *PatchSegmentInput) (*SegmentOutput, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return segmentOutput(svc.UpdateSegment(ctx, in.tenantID, actor(ctx).By, in.SegmentKey,
			flag.SegmentPatch{Name: in.Body.Name, Description: in.Body.Description}, v))
	})
	del := rt.op("delete-segment", http.MethodDelete, "/segments/{segment_key}", tag, "Delete a segment", "write", nf, pf,
		http.StatusConflict)
	del.DefaultStatus = http.StatusNoContent
	del.Description = "Removes the segment and its contexts (every partner's); refused with 409 SEGMENT_IN_USE while rules " +
		"of flags name it. Audit-logged."
	huma.Register(s.API, del, func(ctx context.Context, in *DeleteSegmentInput) (*struct{}, error) {
		v, err := surface.IfMatchVersion(in.IfMatch)
		if err != nil {
			return nil, err
		}
		return nil, svc.DeleteSegment(ctx, in.tenantID, actor(ctx).By, in.SegmentKey, v)
	})
	add := rt.op("add-segment-contexts", http.MethodPost, "/segments/{segment_key}/contexts/add", tag, "Add contexts to a segment",
		"write", nf, uv)
	add.Description = "The contexts belong to the client. Answers how many were added. Audit-logged."
	huma.Register(s.API, add, func(ctx context.Context, in *MembersInput) (*CountOutput, error) {
		return countOutput(svc.AddMembers(ctx, in.tenantID, actor(ctx), in.SegmentKey, Contexts(in.Body.Contexts)))
	})
	rm := rt.op("remove-segment-contexts", http.MethodPost, "/segments/{segment_key}/contexts/remove", tag,
		"Remove contexts from a segment", "write", nf, uv)
	rm.Description = "Removes the client's own contexts among those given (partners' stay). Audit-logged."
	huma.Register(s.API, rm, func(ctx context.Context, in *MembersInput) (*CountOutput, error) {
		return countOutput(svc.RemoveMembers(ctx, in.tenantID, actor(ctx), in.SegmentKey, Contexts(in.Body.Contexts)))
	})
	up := rt.op("upload-segment-contexts", http.MethodPut, "/segments/{segment_key}/contexts.csv", tag,
		"Replace a segment's contexts with a CSV list", "write", nf, uv)
	up.Description = "A text/csv body, one context a row: key, then optionally kind (\"user\" when absent); an optional header " +
		"row `key,kind`. Replaces the client's own contexts of the segment (partners' stay), all or nothing: a refused upload " +
		"names up to 20 faulty rows by line number (details[].field is \"line N\"). Read as a stream and stored in batches in " +
		"one transaction; at most 100000 rows and 32 MiB. Answers how many distinct contexts the client's list now has. Audit-logged."
	up.MaxBodyBytes = MaxUploadBytes
	up.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"text/csv": {Schema: &huma.Schema{Type: "string"}, Example: "key,kind\nuser-1,user\nuser-2\ndevice-9,device\n"}}}
	huma.Register(s.API, up, func(ctx context.Context, in *UploadInput) (*CountOutput, error) {
		body := &limitedReader{r: in.CSV.r, left: MaxUploadBytes}
		n, err := svc.UploadMembers(ctx, in.tenantID, actor(ctx).By, in.SegmentKey, body)
		if body.over {
			return nil, &ports.Error{Kind: ports.ErrInvalid, Code: "BODY_TOO_LARGE", Message: "The upload is larger than 32 MiB."}
		}
		return countOutput(n, err)
	})
}

// limitedReader fails reads past its limit, so a stream larger than the bound ends the upload.
type limitedReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		l.over = true
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return 0, io.ErrUnexpectedEOF
	}
	return n, err
}
