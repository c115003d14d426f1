-- +goose Up
-- A membership keeps the code its member joined with. A redeemed code never changes, so this is
-- a copy that cannot drift, and the foreign key on (voucher_id, voucher_code) makes sure of it;
-- the members list and export no longer join the partner's vouchers only to print the code (280 ms
-- of a million members' export).
ALTER TABLE partner_members ADD COLUMN voucher_code text;
-- The owner is bound by row-level security too (FORCE): the copy is made with the policies lifted
-- for the statement's transaction, then restored.
ALTER TABLE partner_members NO FORCE ROW LEVEL SECURITY;
ALTER TABLE vouchers NO FORCE ROW LEVEL SECURITY;
UPDATE partner_members m SET voucher_code = v.code FROM vouchers v WHERE v.id = m.voucher_id;
ALTER TABLE partner_members FORCE ROW LEVEL SECURITY;
ALTER TABLE vouchers FORCE ROW LEVEL SECURITY;
ALTER TABLE partner_members ALTER COLUMN voucher_code SET NOT NULL;
CREATE UNIQUE INDEX vouchers_id_code ON vouchers (id, code);
ALTER TABLE partner_members DROP CONSTRAINT partner_members_voucher_id_fkey,
    ADD CONSTRAINT partner_members_voucher FOREIGN KEY (voucher_id, voucher_code) REFERENCES vouchers (id, code);

-- +goose Down
ALTER TABLE partner_members DROP CONSTRAINT partner_members_voucher,
    ADD CONSTRAINT partner_members_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES vouchers (id);
DROP INDEX vouchers_id_code;
ALTER TABLE partner_members DROP COLUMN voucher_code;
