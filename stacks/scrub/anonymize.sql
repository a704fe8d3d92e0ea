-- Scrub a restored copy of production before anyone connects to it: rds-echo runs this as an afterRestore hook,
-- as the master user, in one transaction. It is safe to run twice (a rerun after a failure does no harm).
--
-- E-mail addresses become unique, undeliverable ones (example.invalid is reserved, RFC 2606), names become neutral,
-- and every password hash is replaced by one that matches no password, so nobody logs in as a customer.
UPDATE users
SET email = 'user' || id || '@example.invalid',
    name = 'User ' || id,
    password_hash = '!scrubbed'
WHERE email NOT LIKE '%@example.invalid' OR password_hash <> '!scrubbed';
