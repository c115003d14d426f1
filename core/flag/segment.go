package flag

import (
	"context"
	"strings"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// SegmentInput is a segment as an admin writes it on create.
type SegmentInput struct {
	Key         string
	Name        string
	Description string
}

// SegmentPatch changes some fields of a segment; nil fields stay as they are.
type SegmentPatch struct {
	Name        *string
	Description *string
}

// CreateSegment adds a segment to the tenant.
func (s *Service) CreateSegment(ctx context.Context, tenantID string, by audit.Actor, in SegmentInput) (Segment, error) {
	now := s.now()
	sg := Segment{TenantID: tenantID, Key: in.Key, Name: strings.TrimSpace(in.Name), Description: in.Description, Version: 1,
		CreatedAt: now, UpdatedAt: now}
	if err := sg.validate(); err != nil {
		return Segment{}, err
	}
	err := s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		if err := st.CreateSegment(ctx, sg); err != nil {
			return err
		}
		return s.d.Audit.Append(ctx, audit.NewRecord(tenantID, by, "segment.created", "segment", sg.Key, now))
	})
	if err != nil {
		return Segment{}, err
	}
	return sg, nil
}

// GetSegment returns a segment of the tenant.
func (s *Service) GetSegment(ctx context.Context, tenantID, key string) (Segment, error) {
	if !ValidKey(key) {
		return Segment{}, ports.NotFound("segment")
	}
	var sg Segment
	err := s.read(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		sg, err = st.GetSegment(ctx, key, false)
		return err
	})
	return sg, err
}

// ListSegments returns a page of the tenant's segments in key order after the cursor (a key).
func (s *Service) ListSegments(ctx context.Context, tenantID, after string, limit int) ([]Segment, bool, error) {
	if after != "" && !ValidKey(after) {
		return nil, false, ports.Invalid("cursor", "is not a cursor this API returned")
	}
	limit = pageSize(limit)
	var out []Segment
	err := s.read(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		out, err = st.ListSegments(ctx, after, limit+1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := ports.TrimPage(out, limit)
	return out, more, nil
}

// UpdateSegment changes a segment's name or description; ifVersion, when not 0, must be current.
func (s *Service) UpdateSegment(ctx context.Context, tenantID string, by audit.Actor, key string, p SegmentPatch, ifVersion int) (Segment, error) {
	if !ValidKey(key) {
		return Segment{}, ports.NotFound("segment")
	}
	var sg Segment
	now := s.now()
	err := s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		old, err := currentSegment(ctx, st, key, ifVersion)
		if err != nil {
			return err
		}
		sg = old
		if p.Name != nil {
			sg.Name = strings.TrimSpace(*p.Name)
		}
		if p.Description != nil {
			sg.Description = *p.Description
		}
		if err := sg.validate(); err != nil {
			return err
		}
		if sg.Name == old.Name && sg.Description == old.Description {
			return nil
		}
		sg.Version, sg.UpdatedAt = old.Version+1, now
		if err := st.SaveSegment(ctx, sg); err != nil {
			return err
		}
		return s.d.Audit.Append(ctx, audit.NewRecord(tenantID, by, "segment.updated", "segment", key, now))
	})
	if err != nil {
		return Segment{}, err
	}
	return sg, nil
}

// DeleteSegment removes a segment and its contexts; a segment that rules of flags name is a
// conflict (SEGMENT_IN_USE), so no flag's targeting changes behind its back.
func (s *Service) DeleteSegment(ctx context.Context, tenantID string, by audit.Actor, key string, ifVersion int) error {
	if !ValidKey(key) {
		return ports.NotFound("segment")
	}
	return s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		if _, err := currentSegment(ctx, st, key, ifVersion); err != nil {
			return err
		}
		using, err := st.FlagsUsing(ctx, key)
		if err != nil {
			return err
		}
		if len(using) > 0 {
			return ports.Conflict("SEGMENT_IN_USE", "Rules of these flags name the segment: "+strings.Join(using, ", ")+".")
		}
		if err := st.DeleteSegment(ctx, key); err != nil {
			return err
		}
		return s.d.Audit.Append(ctx, audit.NewRecord(tenantID, by, "segment.deleted", "segment", key, s.now()))
	})
}

func currentSegment(ctx context.Context, st Store, key string, ifVersion int) (Segment, error) {
	sg, err := st.GetSegment(ctx, key, true)
	if err != nil {
		return Segment{}, err
	}
	if ifVersion != 0 && sg.Version != ifVersion {
		return Segment{}, stale("segment")
	}
	return sg, nil
}
