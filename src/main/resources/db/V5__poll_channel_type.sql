-- Poll subscriptions as every FHIR R4 client can read them. R4 binds channel.type to a required value
-- set without 'poll', so a poll channel is stored as the Subscriptions Backport IG's custom-channel example
-- is: channel.type 'rest-hook' (a code is required) with the backport-channel-type extension naming the
-- channel (see SubscriptionSpec).
-- Those written before are rewritten here, in every place their content lives.
CREATE FUNCTION herald_poll_channel(content jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_set(jsonb_set(content, '{channel,type}', '"rest-hook"'), '{channel,_type}',
    coalesce(content->'channel'->'_type', '{}'::jsonb) || jsonb_build_object('extension',
      coalesce(content->'channel'->'_type'->'extension', '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
        'url', 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type',
        'valueCoding', jsonb_build_object('system', 'http://herald.io/fhir/CodeSystem/channel-type', 'code', 'poll')))))
$$;

UPDATE resource SET content = herald_poll_channel(content)
 WHERE type = 'Subscription' AND content->'channel'->>'type' = 'poll';
UPDATE resource_history SET content = herald_poll_channel(content)
 WHERE type = 'Subscription' AND content->'channel'->>'type' = 'poll';
UPDATE change SET content = herald_poll_channel(content)
 WHERE type = 'Subscription' AND content->'channel'->>'type' = 'poll';

DROP FUNCTION herald_poll_channel(jsonb);
