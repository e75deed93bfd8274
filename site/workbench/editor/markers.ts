// Errors from the learner's running server (a stack trace's file:line:column) as Monaco
// markers. Pure: the Monaco enum value is passed in, and lines are clamped to the file.

export interface EditorMarker {
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based; without it the marker covers the line's text. */
  column?: number;
  message: string;
}

export interface MarkerData {
  severity: number;
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  source: string;
}

export const MARKER_OWNER = 'session-lab';
/** monaco.MarkerSeverity.Error */
export const SEVERITY_ERROR = 8;

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/** The marker on `text` (the file's content). */
export function toMarkerData(marker: EditorMarker, text: string, severity = SEVERITY_ERROR): MarkerData {
  const lines = text.split(/\r\n|\r|\n/);
  const lineNumber = clamp(Math.trunc(Number.isFinite(marker.line) ? marker.line : 1), 1, lines.length);
  const lineText = lines[lineNumber - 1] ?? '';
  const maxColumn = lineText.length + 1;
  const firstText = lineText.search(/\S/) + 1 || 1;
  let startColumn: number;
  let endColumn: number;
  if (marker.column !== undefined && Number.isFinite(marker.column)) {
    startColumn = clamp(Math.trunc(marker.column), 1, maxColumn);
    // The word (or the rest of the line's text) at the column, at least one character.
    const rest = lineText.slice(startColumn - 1);
    const word = /^[\w$]+/.exec(rest)?.[0].length ?? 1;
    endColumn = Math.max(Math.min(startColumn + word, maxColumn), startColumn + 1);
  } else {
    startColumn = firstText;
    endColumn = Math.max(maxColumn, startColumn + 1);
  }
  return {
    severity,
    message: marker.message,
    startLineNumber: lineNumber,
    startColumn,
    endLineNumber: lineNumber,
    endColumn,
    source: MARKER_OWNER,
  };
}

/** Markers grouped by file, only for files that exist (the rest have nowhere to go). */
export function markersByFile(markers: readonly EditorMarker[], files: Record<string, string>): Map<string, MarkerData[]> {
  const byFile = new Map<string, MarkerData[]>();
  for (const marker of markers) {
    const text = files[marker.path];
    if (text === undefined) continue;
    const list = byFile.get(marker.path) ?? [];
    list.push(toMarkerData(marker, text));
    byFile.set(marker.path, list);
  }
  return byFile;
}
