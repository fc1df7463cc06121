-- Poll subscriptions as every FHIR R4 client can read them. R4 binds channel.type to a required value
-- set without 'poll', so a poll channel is stored as the Subscriptions Backport IG's custom-channel example
-- is: channel.type 'rest-hook' (a code is required) with the backport-channel-type extension naming the
-- channel (see SubscriptionSpec).
-- Those written before are rewritten here, in every place their content lives.
-- _type and its extension list are kept when they are an object and a list; a channel-type extension
-- already there is replaced by Herald's.
CREATE FUNCTION herald_poll_channel(content jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_set(jsonb_set(content, '{channel,type}', '"rest-hook"'), '{channel,_type}',
    element || jsonb_build_object('extension', kept || jsonb_build_array(jsonb_build_object(
      'url', 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type',
      'valueCoding', jsonb_build_object('system', 'http://herald.io/fhir/CodeSystem/channel-type', 'code', 'poll')))))
  FROM (SELECT CASE jsonb_typeof(content->'channel'->'_type') WHEN 'object' THEN content->'channel'->'_type'
               ELSE '{}'::jsonb END AS element) t,
       LATERAL (SELECT coalesce(jsonb_agg(x), '[]'::jsonb) AS kept
                FROM jsonb_array_elements(CASE jsonb_typeof(t.element->'extension') WHEN 'array'
                                          THEN t.element->'extension' ELSE '[]'::jsonb END) x
                WHERE x->>'url' IS DISTINCT FROM
                      'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type') k
$$;

UPDATE resource SET content = herald_poll_channel(content)
 WHERE type = 'Subscription' AND content->'channel'->>'type' = 'poll';
UPDATE resource_history SET content = herald_poll_channel(content)
 WHERE type = 'Subscription' AND content->'channel'->>'type' = 'poll';
UPDATE change SET content = herald_poll_channel(content)
 WHERE type = 'Subscription' AND content->'channel'->>'type' = 'poll';

DROP FUNCTION herald_poll_channel(jsonb);
