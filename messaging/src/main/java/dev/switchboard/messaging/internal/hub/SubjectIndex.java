package dev.switchboard.messaging.internal.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * Finds the registrations whose subject filter matches a subject: a trie on tokens, with {@code *}
 * and {@code >} children, as NATS's sublist. Matches are cached per subject until the next change,
 * so steady publishing to a few subjects costs one map lookup.
 *
 * <p>Thread-safe.
 */
final class SubjectIndex<T> {
  private static final int CACHE_LIMIT = 4096;

  private final Node<T> root = new Node<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, List<T>> cache = new ConcurrentHashMap<>();
  private int size;

  private static final class Node<T> {
    final Map<String, Node<T>> literal = new HashMap<>();
    @Nullable Node<T> star;

    /** Filters that end at this node. */
    final List<T> terminal = new ArrayList<>();

    /** Filters with {@code >} after this node: one or more further tokens. */
    final List<T> tail = new ArrayList<>();

    boolean isEmpty() {
      return literal.isEmpty() && star == null && terminal.isEmpty() && tail.isEmpty();
    }
  }

  void add(String filter, T value) {
    lock.writeLock().lock();
    try {
      Node<T> node = root;
      String[] tokens = filter.split("\\.", -1);
      for (int i = 0; i < tokens.length; i++) {
        String token = tokens[i];
        if (token.equals(">")) {
          node.tail.add(value);
          size++;
          cache.clear();
          return;
        }
        if (token.equals("*")) {
          if (node.star == null) {
            node.star = new Node<>();
          }
          node = node.star;
        } else {
          node = node.literal.computeIfAbsent(token, t -> new Node<>());
        }
      }
      node.terminal.add(value);
      size++;
      cache.clear();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes one occurrence of {@code value} under {@code filter}; returns whether it was there. */
  boolean remove(String filter, T value) {
    lock.writeLock().lock();
    try {
      boolean removed = remove(root, filter.split("\\.", -1), 0, value);
      if (removed) {
        size--;
        cache.clear();
      }
      return removed;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private boolean remove(Node<T> node, String[] tokens, int i, T value) {
    if (i == tokens.length) {
      return node.terminal.remove(value);
    }
    String token = tokens[i];
    if (token.equals(">")) {
      return node.tail.remove(value);
    }
    Node<T> child = token.equals("*") ? node.star : node.literal.get(token);
    if (child == null) {
      return false;
    }
    boolean removed = remove(child, tokens, i + 1, value);
    if (removed && child.isEmpty()) {
      if (token.equals("*")) {
        node.star = null;
      } else {
        node.literal.remove(token);
      }
    }
    return removed;
  }

  /** The registrations matching {@code subject} (no wildcards); do not modify the list. */
  List<T> match(String subject) {
    List<T> cached = cache.get(subject);
    if (cached != null) {
      return cached;
    }
    List<T> result = new ArrayList<>();
    // Computed and cached under the read lock: writers change the trie and clear the cache under
    // the write lock, so a cached entry never outlives a change it missed.
    lock.readLock().lock();
    try {
      match(root, subject.split("\\.", -1), 0, result);
      List<T> frozen = List.copyOf(result);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(subject, frozen);
      return frozen;
    } finally {
      lock.readLock().unlock();
    }
  }

  private void match(Node<T> node, String[] tokens, int i, List<T> out) {
    if (i == tokens.length) {
      out.addAll(node.terminal);
      return;
    }
    out.addAll(node.tail);
    Node<T> literal = node.literal.get(tokens[i]);
    if (literal != null) {
      match(literal, tokens, i + 1, out);
    }
    if (node.star != null) {
      match(node.star, tokens, i + 1, out);
    }
  }

  int size() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }
}
