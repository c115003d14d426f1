-- +goose Up
-- The job queue's tables (River, migrated after these) use sequences; the server role gets
-- them like it gets tables.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO stvos_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO stvos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO stvos_app;

-- +goose Down
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM stvos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM stvos_app;
