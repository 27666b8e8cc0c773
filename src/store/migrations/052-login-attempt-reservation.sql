-- Sign-in attempts are counted before the password is checked (a reservation, recorded as a
-- failure and turned into a success afterwards), so a burst of simultaneous guesses cannot all
-- read the same count. The id names the reservation to turn.
ALTER TABLE login_attempt ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
