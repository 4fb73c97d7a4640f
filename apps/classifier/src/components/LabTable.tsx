import type { ComponentPropsWithRef } from 'react';

/**
 * A table of the lab, in a region of its own that scrolls sideways when the table is wider than the page (a narrow or
 * zoomed screen, many columns): its words stay whole (`.lab-table`) and the page itself never scrolls sideways.
 */
export function LabTable({ className, ...table }: ComponentPropsWithRef<'table'>) {
  return (
    <div className="lab-table-scroll">
      <table className={className ? `lab-table ${className}` : 'lab-table'} {...table} />
    </div>
  );
}
