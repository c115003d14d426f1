-- +goose Up
-- stvos_tenant_table protects a tenant-owned table in one line: row-level security enabled and
-- forced (the owner too is bound), and the one policy that shows and accepts only the rows of the
-- tenant the transaction is bound to. A migration that adds a table with tenant_id calls
--     SELECT stvos_tenant_table('the_table');
-- and adapters/postgres TestEveryTenantTableIsIsolated fails until it does. Running it twice
-- changes nothing.
-- +goose StatementBegin
CREATE FUNCTION stvos_tenant_table(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'tenant_isolation') THEN
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = app_tenant_id()) '
            'WITH CHECK (tenant_id = app_tenant_id())', tbl);
    END IF;
END
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION stvos_tenant_table(regclass) FROM PUBLIC, stvos_app;

-- +goose Down
DROP FUNCTION stvos_tenant_table(regclass);
