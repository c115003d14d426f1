package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// make run prints the operator console's link with the demo operator's credentials.
func TestWelcomePrintsTheOperatorConsole(t *testing.T) {
	t.Parallel()
	out := welcome("http://127.0.0.1:8080", "local processes", demo{OperatorEmail: "admin@stvos.local", OperatorPassword: "stvos-admin-demo"})
	require.Contains(t, out, "operator console http://127.0.0.1:8080/operator/   (sign in as the operator: admin@stvos.local / stvos-admin-demo)")
}
