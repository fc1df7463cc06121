/**
 * Which node does what ({@code Ownership}). Matching and delivery are each played by one node at a time, the holder
 * of a PostgreSQL advisory lock; a node that loses its connection loses the lock, and another takes the role over
 * within a second or so. What is owned is asked per subscription ({@code Ownership.owns}), so splitting delivery
 * across nodes is a change here only. Nothing durable is decided here: a new owner resumes from PostgreSQL.
 * {@code TakeoverIT} fails without it.
 */
package io.herald.cluster;
