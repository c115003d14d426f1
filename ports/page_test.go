package ports

import "testing"

func TestTrimPage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, limit, want int
		more           bool
	}{{0, 3, 0, false}, {2, 3, 2, false}, {3, 3, 3, false}, {4, 3, 3, true}, {1, 0, 0, true}} {
		items := make([]int, c.n)
		got, more := TrimPage(items, c.limit)
		if len(got) != c.want || more != c.more {
			t.Errorf("TrimPage(%d items, %d) = %d items, %v; want %d, %v", c.n, c.limit, len(got), more, c.want, c.more)
		}
	}
}
