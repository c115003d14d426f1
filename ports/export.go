package ports

import "io"

// TableWriter writes an export table (a header row, then data rows) to a stream as it goes, so
// an export of any size takes constant memory. Flush sends on what is buffered; call it at the
// end. Row keeps nothing of cells once it returns, so a caller may reuse one slice for every row.
type TableWriter interface {
	Row(cells ...string) error
	Flush() error
}

// Exports makes table writers in one file format (CSV today).
type Exports interface {
	// ContentType is the media type of the files, for Content-Type.
	ContentType() string
	// Extension is the file name extension, without the dot.
	Extension() string
	// Writer starts a table on w.
	Writer(w io.Writer) TableWriter
}
