// Labels every cell of a table with its column's header (data-label), so that below the phone
// breakpoint, where app.css turns rows into cards, each value still says what it is.
import type { Attachment } from 'svelte/attachments';

/** The rows of a <table>, or of an ARIA table (role=table with role=row descendants). */
function rowsOf(table: HTMLElement): HTMLElement[] {
	if (table instanceof HTMLTableElement) return Array.from(table.rows);
	return Array.from(table.querySelectorAll<HTMLElement>('[role="row"]'));
}

/** A row's cells, each with the column it starts in (a cell spanning columns takes their room). */
function cellsOf(row: HTMLElement): Array<{ cell: HTMLElement; column: number }> {
	const cells: Array<{ cell: HTMLElement; column: number }> = [];
	let column = 0;
	for (const cell of Array.from(row.children)) {
		if (!(cell instanceof HTMLElement)) continue;
		cells.push({ cell, column });
		column += cell instanceof HTMLTableCellElement ? cell.colSpan : 1;
	}
	return cells;
}

const ROW = 'tr, [role="row"]';

/** The header row: a table's first row. */
function headRowOf(table: HTMLElement): HTMLElement | null {
	if (table instanceof HTMLTableElement) return table.rows[0] ?? null;
	return table.querySelector<HTMLElement>('[role="row"]');
}

/** The header row's labels by column. */
function headersOf(table: HTMLElement): Map<number, string> {
	const head = headRowOf(table);
	return new Map(
		head ? cellsOf(head).map(({ cell, column }) => [column, cell.textContent?.trim() ?? '']) : []
	);
}

function labelRow(row: HTMLElement, headers: Map<number, string>): void {
	for (const { cell, column } of cellsOf(row)) {
		const text = headers.get(column) ?? '';
		if (!text) cell.removeAttribute('data-label');
		else if (cell.dataset.label !== text) cell.dataset.label = text;
	}
}

/** The rows a change touched (a row itself, or rows added whole), or null if it reached the header. */
function touchedRows(table: HTMLElement, records: MutationRecord[]): Set<HTMLElement> | null {
	const head = headRowOf(table);
	const rows = new Set<HTMLElement>();
	for (const record of records) {
		const target = record.target instanceof Element ? record.target : record.target.parentElement;
		const row = target?.closest<HTMLElement>(ROW);
		if (row && table.contains(row)) rows.add(row);
		else {
			for (const node of Array.from(record.addedNodes)) {
				if (!(node instanceof Element)) continue;
				if (node.matches(ROW)) rows.add(node as HTMLElement);
				for (const inner of Array.from(node.querySelectorAll<HTMLElement>(ROW))) rows.add(inner);
			}
		}
	}
	return head && rows.has(head) ? null : rows;
}

/**
 * `{@attach columnLabels}` on a table. The header row is the one source of each label: a column
 * shown only to some roles, a language switch and rows a list renders as it scrolls are relabelled
 * as they change. Screen readers keep the table's own headers (app.css hides the copy from them).
 */
export const columnLabels: Attachment<HTMLElement> = (table) => {
	let headers = headersOf(table);
	const labelAll = () => {
		headers = headersOf(table);
		const head = headRowOf(table);
		for (const row of rowsOf(table)) if (row !== head) labelRow(row, headers);
	};
	labelAll();
	// Writing data-label is an attribute change, which this observer does not watch: no loop. A
	// change in the header relabels every row; one in the body only the rows it touched, so a long
	// list's live updates stay cheap.
	const observer = new MutationObserver((records) => {
		const rows = touchedRows(table, records);
		if (rows === null) labelAll();
		else for (const row of rows) labelRow(row, headers);
	});
	observer.observe(table, { childList: true, subtree: true, characterData: true });
	return () => observer.disconnect();
};
