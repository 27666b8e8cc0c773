-- Case-list facets join a sample of matching incidents to their live acts, the acts' perpetrators
-- and victims' sectors: covering indexes make each join an index-only lookup instead of a visit to
-- a random heap page per row (at 1,000,000 incidents, ~0.1 ms each under load).
CREATE INDEX act_incident_cover ON act (organisation_id, incident_id) INCLUDE (id, act_type, victim_id) WHERE archived_at IS NULL;
CREATE INDEX actor_sectors ON actor (organisation_id, id) INCLUDE (sectors);
