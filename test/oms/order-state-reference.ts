// A plain reference of the FIX order life cycle for the model tests: strings, objects and
// if/else, written from the FIX rules rather than from the table the OMS uses.
export type RefStatus = 'PendingNew' | 'New' | 'PartiallyFilled' | 'Filled' | 'PendingCancel' | 'PendingReplace' | 'Canceled' | 'Replaced' | 'Rejected' | 'Expired';
export type RefEvent = 'AckNew' | 'FillPartial' | 'FillFull' | 'CancelRequest' | 'ReplaceRequest' | 'Canceled' | 'Replaced' | 'Reject' | 'CancelReject' | 'Expire';

export interface RefOrder {
  status: RefStatus;
  /** While a cancel or replace is pending: the state the order would return to. */
  underneath: RefStatus;
}

const ENDED: RefStatus[] = ['Filled', 'Canceled', 'Replaced', 'Rejected', 'Expired'];
const WORKING: RefStatus[] = ['New', 'PartiallyFilled'];

/** The order after `event`, or undefined when FIX does not allow it (the order is then unchanged). */
export function refApply(order: RefOrder, event: RefEvent): RefOrder | undefined {
  const { status, underneath } = order;
  const to = (s: RefStatus): RefOrder => ({ status: s, underneath: s });
  if (status === 'PendingCancel' || status === 'PendingReplace') {
    if (event === 'AckNew') return underneath === 'PendingNew' ? { status, underneath: 'New' } : underneath === 'PartiallyFilled' ? order : undefined;
    if (event === 'FillPartial') return { status, underneath: 'PartiallyFilled' };
    if (event === 'FillFull') return to('Filled');
    if (event === 'Canceled') return to('Canceled');
    if (event === 'Expire') return to('Expired');
    if (event === 'CancelReject') return to(underneath);
    if (event === 'Replaced') return status === 'PendingReplace' ? to('Replaced') : undefined;
    if (event === 'Reject') return underneath === 'PendingNew' ? to('Rejected') : undefined;
    return undefined;
  }
  if (ENDED.includes(status)) {
    // Late answers to what the end overtook: a New ack resent, a cancel reject of a request the fill beat.
    if ((event === 'AckNew' || event === 'CancelReject') && status !== 'Rejected') return order;
    return undefined;
  }
  switch (event) {
    case 'AckNew':
      return status === 'PendingNew' ? to('New') : status === 'PartiallyFilled' ? order : undefined;
    case 'FillPartial':
      return to('PartiallyFilled');
    case 'FillFull':
      return to('Filled');
    case 'CancelRequest':
      return { status: 'PendingCancel', underneath: status };
    case 'ReplaceRequest':
      return WORKING.includes(status) ? { status: 'PendingReplace', underneath: status } : undefined;
    case 'Canceled':
      return to('Canceled');
    case 'Expire':
      return to('Expired');
    case 'Reject':
      return status === 'PendingNew' ? to('Rejected') : undefined;
    default:
      return undefined;
  }
}
