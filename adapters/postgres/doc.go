// Package postgres implements the storage ports and the stores of the core on PostgreSQL with
// pgx v5. The server connects with the configured URL and then works as the role stvos_app, which
// owns no table, so row-level security applies to every query; each unit of work binds its
// transaction to a tenant (or to the platform) with SET LOCAL. Migrations are embedded and run as
// the URL's own role, which owns the schema.
package postgres
