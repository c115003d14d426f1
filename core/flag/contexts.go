package flag

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/ports"
)

// Search limits of contexts.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 50
	// uploadBatch is how many rows of an upload go to the store at once.
	uploadBatch = 1000
	// maxUploadFaults bounds the rows an upload's refusal names.
	maxUploadFaults = 20
)

// checkContexts validates a list of contexts given by a caller and answers them normalized (kind
// "user" when absent) without repeats.
func checkContexts(cs []Context) ([]Context, error) {
	var v ports.Validation
	if !v.Check(len(cs) >= 1 && len(cs) <= MaxContextsPerCall, "contexts", "must list 1 to 1000 contexts") {
		return nil, v.Err()
	}
	out := make([]Context, 0, len(cs))
	seen := make(map[Context]bool, len(cs))
	for i, c := range cs {
		c = c.normalize()
		validContext(&v, c, "contexts["+strconv.Itoa(i)+"]")
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, v.Err()
}

// Owner names who adds or removes contexts: a partner, or the client itself (PartnerID empty).
type Owner struct {
	PartnerID string
	By        audit.Actor
}

// AddTargets targets the contexts individually on the flag, for the owner: they get the flag's
// target variation. Contexts the owner already targets stay. It answers how many were added.
func (s *Service) AddTargets(ctx context.Context, tenantID string, o Owner, flagKey string, cs []Context) (int, error) {
	return s.changeContexts(ctx, tenantID, o, "flag", flagKey, cs, true)
}

// RemoveTargets removes the owner's individual targets among the contexts from the flag; other
// owners' targets stay. It answers how many were removed.
func (s *Service) RemoveTargets(ctx context.Context, tenantID string, o Owner, flagKey string, cs []Context) (int, error) {
	return s.changeContexts(ctx, tenantID, o, "flag", flagKey, cs, false)
}

// AddMembers includes the contexts in the segment, for the owner.
func (s *Service) AddMembers(ctx context.Context, tenantID string, o Owner, segmentKey string, cs []Context) (int, error) {
	return s.changeContexts(ctx, tenantID, o, "segment", segmentKey, cs, true)
}

// RemoveMembers removes the owner's contexts among those given from the segment.
func (s *Service) RemoveMembers(ctx context.Context, tenantID string, o Owner, segmentKey string, cs []Context) (int, error) {
	return s.changeContexts(ctx, tenantID, o, "segment", segmentKey, cs, false)
}

func (s *Service) changeContexts(ctx context.Context, tenantID string, o Owner, kind, key string, cs []Context, add bool) (int, error) {
	if !ValidKey(key) {
		return 0, ports.NotFound(kind)
	}
	cs, err := checkContexts(cs)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.write(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		switch {
		case kind == "flag":
			_, err = st.GetFlag(ctx, key, false)
		default:
			_, err = st.GetSegment(ctx, key, false)
		}
		if err != nil {
			return err
		}
		switch {
		case kind == "flag" && add:
			n, err = st.AddTargets(ctx, key, o.PartnerID, cs)
		case kind == "flag":
			n, err = st.RemoveTargets(ctx, key, o.PartnerID, cs)
		case add:
			n, err = st.AddMembers(ctx, key, o.PartnerID, cs)
		default:
			n, err = st.RemoveMembers(ctx, key, o.PartnerID, cs)
		}
		if err != nil || n == 0 {
			return err
		}
		action := map[bool]string{true: ".contexts_added", false: ".contexts_removed"}[add]
		r := audit.NewRecord(tenantID, o.By, kind+action, kind, key, s.now())
		r.Details = map[string]any{"count": n, "partner_id": o.PartnerID}
		return s.d.Audit.Append(ctx, r)
	})
	return n, err
}

// SearchContexts lists the owner's contexts (targets and segment members) whose key contains q,
// of the kind when given; limit is 1 to 50 (0: 20).
func (s *Service) SearchContexts(ctx context.Context, tenantID, owner, q, kind string, limit int) ([]Owned, error) {
	var v ports.Validation
	if limit == 0 {
		limit = DefaultSearchLimit
	}
	v.Check(limit >= 1 && limit <= MaxSearchLimit, "limit", "must be between 1 and 50")
	v.Check(len(q) <= MaxContextKeyLength, "q", "must be at most 256 characters")
	v.Check(kind == "" || kindPattern.MatchString(kind), "kind", "must be a context kind")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []Owned
	err := s.read(ctx, tenantID, func(ctx context.Context, st Store) (err error) {
		out, err = st.SearchContexts(ctx, owner, q, kind, limit)
		return err
	})
	return out, err
}

// UploadMembers replaces the client's own contexts of the segment (partners' stay) with those of
// a CSV document, read as a stream: one context a row, columns key and kind (kind optional,
// "user" when absent or empty), an optional header row "key,kind". Rows go to the store in
// batches inside one transaction, so the upload is all or nothing; a refused upload names up to
// 20 faulty rows by line number. It answers how many distinct contexts the segment now has of
// the client's own.
func (s *Service) UploadMembers(ctx context.Context, tenantID string, by audit.Actor, segmentKey string, body io.Reader) (int, error) {
	if !ValidKey(segmentKey) {
		return 0, ports.NotFound("segment")
	}
	var total int
	err := s.write(ctx, tenantID, func(ctx context.Context, st Store) error {
		if _, err := st.GetSegment(ctx, segmentKey, true); err != nil {
			return err
		}
		if _, err := st.ClearMembers(ctx, segmentKey, ""); err != nil {
			return err
		}
		var (
			v     ports.Validation
			bad   int
			rows  int
			first = true
			batch = make([]Context, 0, uploadBatch)
		)
		flush := func() error {
			if len(batch) == 0 || bad > 0 {
				batch = batch[:0]
				return nil
			}
			n, err := st.AddMembers(ctx, segmentKey, "", batch)
			total += n
			batch = batch[:0]
			return err
		}
		r := csv.NewReader(body)
		r.FieldsPerRecord, r.ReuseRecord, r.TrimLeadingSpace = -1, true, true
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				v.Add("line "+strconv.Itoa(pe.Line), "is not valid CSV: "+pe.Err.Error())
				bad++
				break
			}
			if err != nil {
				return ports.Invalid("body", "could not be read: "+err.Error())
			}
			line, _ := r.FieldPos(0)
			if first {
				if first = false; isHeader(rec) {
					continue
				}
			}
			if rows++; rows > MaxSegmentContexts {
				v.Add("line "+strconv.Itoa(line), "is past the 100000 contexts a segment may have")
				bad++
				break
			}
			c, reason := rowContext(rec)
			if reason != "" {
				if bad++; bad <= maxUploadFaults {
					v.Add("line "+strconv.Itoa(line), reason)
				}
				continue
			}
			if batch = append(batch, c); len(batch) == uploadBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if bad > maxUploadFaults {
			v.Add("body", strconv.Itoa(bad-maxUploadFaults)+" more rows are refused")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		r2 := audit.NewRecord(tenantID, by, "segment.contexts_uploaded", "segment", segmentKey, s.now())
		r2.Details = map[string]any{"count": total}
		return s.d.Audit.Append(ctx, r2)
	})
	return total, err
}

func isHeader(rec []string) bool {
	return len(rec) >= 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "key") &&
		(len(rec) == 1 || strings.EqualFold(strings.TrimSpace(rec[1]), "kind"))
}

// rowContext reads one CSV row as a context, or says why it cannot.
func rowContext(rec []string) (Context, string) {
	if len(rec) > 2 {
		return Context{}, "has " + strconv.Itoa(len(rec)) + " columns; expected key and an optional kind"
	}
	c := Context{Key: strings.TrimSpace(rec[0])}
	if len(rec) == 2 {
		c.Kind = strings.TrimSpace(rec[1])
	}
	c = c.normalize()
	var v ports.Validation
	validContext(&v, c, "context")
	if e := ports.AsError(v.Err()); e != nil {
		f := e.Fields[0]
		return Context{}, strings.TrimPrefix(f.Field, "context.") + " " + f.Reason
	}
	return c, ""
}
