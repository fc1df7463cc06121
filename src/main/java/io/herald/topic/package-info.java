/**
 * Subscription topics ({@code SubscriptionTopic}, FHIR R4B as the Subscriptions Backport IG uses it): what a topic
 * says ({@link io.herald.topic.Topic}), read once from its resource and checked ({@link io.herald.topic.TopicParser}),
 * and what a topic-based subscription may ask of it ({@link io.herald.topic.Filters}). Pure Java over the criteria
 * engine: a trigger's {@code queryCriteria} and a subscription's filters are criteria, matched by the same code as
 * search. What Herald cannot evaluate ({@code fhirPathCriteria}, {@code eventTrigger}, includes) is refused when the
 * topic is written, never ignored.
 */
package io.herald.topic;
