import { Kind, visit, type DocumentNode, type ExecutionResult, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { isPromiseLike, isStaff, type RequestContext, type Viewer } from '@parley/api/core';

/**
 * What a shared event's result may depend on besides the event: the viewer's
 * role, and for a customer who they are. Every agent sees a chat alike (notes,
 * labels, the agent's read mark for unreadCount, everyone's email), so staff
 * share by role; a customer sees their own email and their own read mark, so
 * each customer is a group of their own.
 */
export function sightOf(viewer: Viewer): string {
  return isStaff(viewer.role) ? viewer.role : `${viewer.role}:${viewer.id}`;
}

const PAYLOAD = Symbol('payload JSON');

/** An event's result that many subscribers are handed, with its payload serialized once. */
export interface SharedResult extends ExecutionResult {
  readonly [PAYLOAD]: string;
}

/** The serialized payload of a shared result (what graphql-ws would have sent), or undefined for a subscriber's own result. */
export function sharedPayload(result: ExecutionResult): string | undefined {
  return (result as Partial<SharedResult>)[PAYLOAD];
}

/** Marks an entry whose result had errors: each subscriber runs the event itself, and words its errors itself. */
const UNSHARED = Symbol('unshared');
type Entry = SharedResult | typeof UNSHARED | Promise<SharedResult | typeof UNSHARED>;
type Execute = () => ExecutionResult | Promise<ExecutionResult>;

interface Shape {
  /** One number per document and operation: part of every key. */
  id: number;
  /** Variables read below the root field (its own arguments only pick the events); null when the root field cannot be shared. */
  read: string[] | null;
}

/**
 * Runs each event of a shared subscription once per group of subscribers who
 * see it alike (the same document, the same variables below the root field,
 * the same sight), and serializes that result once: a chatUpdated event for
 * 200 agents is one execution and one JSON text, not 200 of each.
 *
 * Authorization is untouched: each subscriber's stream decides, per event,
 * whether it gets the event at all (canView); only the mapping of an event it
 * may see is shared. Only root fields whose resolver answers from the event
 * alone are shared (`fields`, declared by their modules as `sharedEvents`),
 * and only results without errors (those are worded per subscriber).
 *
 * Results are kept beside the event object for as long as it lives (a
 * WeakMap): the pubsub hands every listener of an instance the same object.
 */
export class SharedEvents {
  private readonly shapes = new WeakMap<DocumentNode, Map<string, Shape>>();
  private readonly results = new WeakMap<object, Map<string, Entry>>();
  private shapeCount = 0;

  constructor(private readonly fields: ReadonlySet<string>) {}

  /** The key a subscriber's events are shared under, or null when it runs each event on its own. */
  keyOf(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, context: unknown): string | null {
    const viewer = (context as Partial<RequestContext> | null)?.viewer;
    if (!viewer) return null;
    const shape = this.shapeOf(document, operation);
    if (!shape.read) return null;
    // One flat string: a subscription keeps its key as long as it lasts, and a template's pieces
    // stayed as a chain of three concatenations (about 150 bytes).
    return JSON.stringify([shape.id, sightOf(viewer), shape.read.map((name) => variables?.[name] ?? null)]);
  }

  /** The event's result for the group `key` names: executed by the first subscriber to ask, by `execute`. */
  resultOf(event: unknown, key: string, execute: Execute): ExecutionResult | Promise<ExecutionResult> {
    if (typeof event !== 'object' || event === null) return execute();
    let byKey = this.results.get(event);
    if (!byKey) this.results.set(event, (byKey = new Map()));
    const known = byKey.get(key);
    if (known === UNSHARED) return execute();
    if (known !== undefined) return isPromiseLike(known) ? known.then((entry) => (entry === UNSHARED ? execute() : entry)) : known;
    const group = byKey;
    // The first subscriber keeps its own result when it cannot be shared (errors): no second execution.
    const settle = (result: ExecutionResult): ExecutionResult => {
      const shared = share(result);
      group.set(key, shared ?? UNSHARED);
      return shared ?? result;
    };
    let first: ExecutionResult | Promise<ExecutionResult>;
    try {
      first = execute();
    } catch (error) {
      group.set(key, UNSHARED);
      throw error;
    }
    if (!isPromiseLike(first)) return settle(first);
    const mine = first.then(settle, (error: unknown) => {
      group.set(key, UNSHARED);
      throw error;
    });
    group.set(
      key,
      mine.then(
        (result) => (sharedPayload(result) === undefined ? UNSHARED : (result as SharedResult)),
        () => UNSHARED,
      ),
    );
    return mine;
  }

  private shapeOf(document: DocumentNode, operation: OperationDefinitionNode): Shape {
    let byOperation = this.shapes.get(document);
    if (!byOperation) this.shapes.set(document, (byOperation = new Map()));
    const name = operation.name?.value ?? '';
    let shape = byOperation.get(name);
    if (!shape)
      byOperation.set(
        name,
        (shape = {
          id: ++this.shapeCount,
          read: this.variablesRead(document, operation),
        }),
      );
    return shape;
  }

  /** The variables the root field's selection reads (through any fragment), or null when it is not a shared field. */
  private variablesRead(document: DocumentNode, operation: OperationDefinitionNode): string[] | null {
    if (operation.operation !== 'subscription') return null;
    const roots = operation.selectionSet.selections;
    const root = roots[0];
    if (roots.length !== 1 || root?.kind !== Kind.FIELD || root.directives?.length || !this.fields.has(root.name.value)) return null;
    const read = new Set<string>();
    const collect = {
      Variable: (node: { name: { value: string } }) => void read.add(node.name.value),
    };
    if ((root as FieldNode).selectionSet) visit((root as FieldNode).selectionSet as never, collect);
    // Every fragment of the document, used or not: a few names too many only make smaller groups.
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, collect);
    return [...read].sort();
  }
}

/** A result every subscriber of its group may be handed as it is: one without errors. */
function share(result: ExecutionResult): SharedResult | null {
  if (result.errors?.length || result.extensions) return null;
  const data = result.data;
  return Object.freeze({
    data,
    [PAYLOAD]: JSON.stringify({ data }),
  }) as SharedResult;
}
