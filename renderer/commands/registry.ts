// The command registry: every user action (graph edits, undo/redo, files, view) is a named command that
// menus, shortcuts, buttons and tests all run the same way; graph edits become undoable history entries.
import type { ProjectDocument } from '../../app/project/document.ts';
import type { ProjectActions, ProjectState, ProjectStore } from '../state/projectStore.ts';
import { errorMessage, notify } from '../ui/notify.ts';
import type { EditResult } from '../state/patch.ts';
import type { CommandArgList, CommandArgs, CommandId } from './commandArgs.ts';
import { CommandError } from './graphEdits.ts';

export type CommandCategory = 'File' | 'Edit' | 'Layers' | 'View' | 'Help' | (string & {});

export interface CommandContext {
  store: ProjectStore;
  registry: CommandRegistry;
}

/**
 * One command. Its handlers are declared as methods so that a spec for one id fits the registry's list of
 * all of them; `execute` is what checks that an id gets its own arguments.
 */
export interface CommandSpec<K extends CommandId = CommandId> {
  /** `verbNoun`: `addLayer`, `setParam`, `undo` (the ids and their arguments: commandArgs.ts). */
  id: K;
  /** Short words for menus, the shortcut list and the history ("Set parameter"). */
  title: string;
  category: CommandCategory;
  /** Key combinations: `Mod+Z` (Ctrl, or ⌘ on macOS), `Mod+Shift+Z`, `Delete`, `?`. */
  shortcuts?: string[];
  /** The shortcut also fires while the user types in a text field (Save does; Delete does not). */
  whileTyping?: boolean;
  /** A graph edit: pure, returns the patch or null for "nothing to change"; throws CommandError. */
  edit?(doc: ProjectDocument, args: CommandArgs[K], state: ProjectState): EditResult | null;
  /** History label for an edit, e.g. "Set units of dense_1". */
  label?(args: CommandArgs[K], doc: ProjectDocument): string;
  /** Anything else (files, view, clipboard); may be async. Thrown errors are shown to the user. */
  run?(args: CommandArgs[K], ctx: CommandContext): unknown;
  /** When false the command does nothing (and menus grey it out). */
  enabled?: (state: ProjectState) => boolean;
}

export type CommandOutcome =
  | { ok: true; changed: boolean; result?: unknown }
  | { ok: false; error: string };

export class CommandRegistry {
  private readonly commands = new Map<CommandId, CommandSpec>();
  private readonly store: ProjectStore;
  private readonly report: (message: string) => void;

  constructor(store: ProjectStore, options: { report?: (message: string) => void } = {}) {
    this.store = store;
    this.report = options.report ?? ((message) => notify.error(message));
  }

  /** Adds a command, or replaces one with the same id (a panel may provide its own implementation). */
  register<K extends CommandId>(spec: CommandSpec<K>): () => void {
    if (!spec.edit && !spec.run) throw new Error(`command ${spec.id} has neither edit nor run`);
    this.commands.set(spec.id, spec);
    return () => {
      if (this.commands.get(spec.id) === spec) this.commands.delete(spec.id);
    };
  }

  get(id: CommandId): CommandSpec | undefined {
    return this.commands.get(id);
  }

  /** Whether a command with this id is registered (for ids from outside, such as the native menu's). */
  has(id: string): id is CommandId {
    return this.commands.has(id as CommandId);
  }

  list(): CommandSpec[] {
    return [...this.commands.values()];
  }

  isEnabled(id: CommandId): boolean {
    const spec = this.commands.get(id);
    if (!spec) return false;
    const state = this.store.getState();
    if (spec.edit && !state.document) return false;
    return spec.enabled ? spec.enabled(state) : true;
  }

  /**
   * Runs a command. Failures never throw: they are reported to the user (a toast) and returned, so a
   * shortcut, a button and a test all see the same outcome.
   */
  execute<K extends CommandId>(id: K, ...[args]: CommandArgList<K>): CommandOutcome {
    const spec = this.commands.get(id);
    if (!spec) return this.fail(`There is no command "${id}".`);
    const state = this.store.getState() as ProjectState & ProjectActions;
    if (spec.enabled && !spec.enabled(state)) return { ok: true, changed: false };
    try {
      if (spec.edit) {
        const doc = state.document;
        if (!doc) return this.fail('Open or create a project first.');
        const result = spec.edit(doc, args, state);
        if (!result) return { ok: true, changed: false };
        const label = spec.label ? spec.label(args, doc) : spec.title;
        const before = state.version;
        state.commit(spec.id, label, result);
        return { ok: true, changed: this.store.getState().version !== before };
      }
      const result = spec.run?.(args, { store: this.store, registry: this });
      if (result instanceof Promise) {
        // Async commands report their own failure when it comes; the caller may await `result`.
        const guarded = result.catch((err: unknown) => {
          this.report(errorMessage(err));
          throw err;
        });
        guarded.catch(() => {});
        return { ok: true, changed: false, result: guarded };
      }
      // A command that runs another (deleteSelection → removeLayers) reports that one's outcome.
      if (isOutcome(result)) return result;
      return { ok: true, changed: false, result };
    } catch (err) {
      if (!(err instanceof CommandError)) console.error(`command ${id} failed`, err);
      return this.fail(errorMessage(err));
    }
  }

  private fail(message: string): CommandOutcome {
    this.report(message);
    return { ok: false, error: message };
  }

  /** The command whose shortcut matches a key event, if any. */
  commandForKey(event: KeyLike): CommandSpec | undefined {
    const combo = eventCombo(event);
    for (const spec of this.commands.values()) {
      if (spec.shortcuts?.some((s) => normalizeCombo(s) === combo)) return spec;
    }
    return undefined;
  }
}

function isOutcome(value: unknown): value is CommandOutcome {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'
    && ('changed' in value || 'error' in value);
}

export interface KeyLike {
  key: string;
  /** Physical key (`KeyZ`, `Digit1`): used when a modifier makes `key` a non-Latin character (⌥1 types `¡`). */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

function normalizeKey(key: string): string {
  if (key === ' ') return 'Space';
  if (key === 'Del') return 'Delete';
  return key.length === 1 ? key.toUpperCase() : key;
}

/** `Mod+Shift+Z` as a canonical string; symbols typed with Shift (`?`) match without it. */
export function normalizeCombo(combo: string): string {
  const parts = combo.split('+').filter(Boolean);
  const key = combo.endsWith('++') ? '+' : normalizeKey(parts[parts.length - 1] ?? '');
  const mods = new Set(parts.slice(0, -1).map((m) => (m === 'Ctrl' || m === 'Cmd' || m === 'Meta' ? 'Mod' : m)));
  return ['Mod', 'Alt', 'Shift'].filter((m) => mods.has(m)).concat(key).join('+');
}

export function eventCombo(e: KeyLike): string {
  // The typed letter wins (Ctrl+Z on AZERTY is the key labelled Z); the physical key only stands in for
  // characters that are not Latin letters or digits (Cyrillic layouts, ⌥-digits on a Mac).
  const latin = /^[A-Za-z0-9]$/.test(e.key);
  const physical = !latin && e.code && (e.altKey || e.ctrlKey || e.metaKey) ? /^(?:Key([A-Z])|Digit(\d))$/.exec(e.code) : null;
  const key = physical ? (physical[1] ?? physical[2]) : normalizeKey(e.key);
  const symbol = key.length === 1 && !/[A-Z0-9]/.test(key);
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push('Mod');
  if (e.altKey) mods.push('Alt');
  if (e.shiftKey && !symbol) mods.push('Shift');
  return [...mods, key].join('+');
}

/** `Mod+Shift+Z` as the user's keyboard says it: `Ctrl+Shift+Z`, or `⌘⇧Z` on macOS. */
export function displayCombo(combo: string, mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)): string {
  const parts = normalizeCombo(combo).split('+');
  if (mac) return parts.map((p) => ({ Mod: '⌘', Shift: '⇧', Alt: '⌥' })[p] ?? p).join('');
  return parts.map((p) => (p === 'Mod' ? 'Ctrl' : p)).join('+');
}
