package privacy

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// ArchiveFormat names the layout of the archives, in their manifest.
const ArchiveFormat = "stvos-export/1"

// Manifest is the archive's manifest.json: whose data it holds, when it was read, and its files.
type Manifest struct {
	Format      string    `json:"format"`
	TenantID    string    `json:"tenant_id"`
	AccountID   string    `json:"account_id"`
	ExportID    string    `json:"export_id"`
	GeneratedAt time.Time `json:"generated_at"`
	Files       []string  `json:"files"`
}

var sectionName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// Archive writes a ZIP archive of the sections, each as <name>.json (indented JSON), after a
// manifest.json describing them. A section whose name is not lower-case snake case (or is
// "manifest"), is given twice, or whose data is not JSON is an error: the archive is all or nothing.
func Archive(e Export, at time.Time, sections []Section) ([]byte, error) {
	m := Manifest{Format: ArchiveFormat, TenantID: e.TenantID, AccountID: e.UserID, ExportID: e.ID, GeneratedAt: at.UTC(),
		Files: []string{"manifest.json"}}
	seen := map[string]bool{}
	for _, s := range sections {
		if !sectionName.MatchString(s.Name) || seen[s.Name] || s.Name == "manifest" {
			return nil, fmt.Errorf("privacy: archive: bad or repeated section %q", s.Name)
		}
		seen[s.Name] = true
		m.Files = append(m.Files, s.Name+".json")
	}
	manifest, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	put := func(name string, data []byte) error {
		var out bytes.Buffer
		if err := json.Indent(&out, data, "", "  "); err != nil {
			return fmt.Errorf("privacy: archive: %s: %w", name, err)
		}
		out.WriteByte('\n')
		f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at.UTC()})
		if err != nil {
			return err
		}
		_, err = f.Write(out.Bytes())
		return err
	}
	if err := put("manifest.json", manifest); err != nil {
		return nil, err
	}
	for _, s := range sections {
		if err := put(s.Name+".json", s.Data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
