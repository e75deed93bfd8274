// The learner's files as Monaco models, one per file under the workspace path (so the JS language
// service resolves `require('./x')` between them). A model reports the learner's edits, never the
// panel's own writes (a lesson switch), and carries the error markers of its file.
import { languageOf } from './language-id.ts';
import { MARKER_OWNER, markersByFile } from './markers.ts';
import { WORKSPACE_PATH } from './workspace-path.ts';
import type { EditorMarker, Files, MonacoApi, TextModel } from './types.ts';

/** A learner's edit: the file's whole text, and the text this change inserted ('' for a deletion). */
export type OnEdit = (path: string, text: string, inserted: string) => void;

export interface LearnerModels {
  get(path: string): TextModel | undefined;
  pathOf(model: TextModel): string | undefined;
  /** A model per file (one left at the same address, by an earlier panel, is replaced). */
  create(files: Files): void;
  dispose(): void;
  /** Runs `write` without reporting what it changes as the learner's edits. */
  quietly(write: () => void): void;
  setMarkers(markers: readonly EditorMarker[], files: Files): void;
}

export function createLearnerModels(api: MonacoApi, onEdit: OnEdit): LearnerModels {
  const models = new Map<string, TextModel>();
  /** Set while we write to a model ourselves, so it is not reported as the learner's change. */
  let writing = false;

  return {
    get: (path) => models.get(path),
    pathOf: (model) => [...models].find(([, m]) => m === model)?.[0],
    create(files) {
      for (const [path, text] of Object.entries(files)) {
        const uri = api.Uri.from({ scheme: 'file', path: WORKSPACE_PATH + path });
        api.editor.getModel(uri)?.dispose();
        const model = api.editor.createModel(text, languageOf(path), uri);
        model.onDidChangeContent((event) => {
          if (writing) return;
          onEdit(path, model.getValue(), event.changes.map((change) => change.text).join(''));
        });
        models.set(path, model);
      }
    },
    dispose() {
      for (const model of models.values()) model.dispose();
      models.clear();
    },
    quietly(write) {
      writing = true;
      try {
        write();
      } finally {
        writing = false;
      }
    },
    setMarkers(markers, files) {
      const byFile = markersByFile(markers, files);
      for (const [path, model] of models) {
        const data = byFile.get(path) ?? [];
        api.editor.setModelMarkers(model, MARKER_OWNER, data.map((marker) => ({ ...marker, severity: api.MarkerSeverity.Error })));
      }
    },
  };
}
