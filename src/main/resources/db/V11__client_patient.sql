-- A client with patient-level scopes (patient/Observation.rs) names the patient whose compartment they open; its
-- tokens carry it as the SMART "patient" claim.
ALTER TABLE auth_client ADD COLUMN patient text;
