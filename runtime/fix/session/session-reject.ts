// What a session says when it refuses a message: the Text of a Reject (35=3) for each
// SessionRejectReason (373) and of a BusinessMessageReject (35=j) for each
// BusinessRejectReason (380), worded as FIX (and QuickFIX) words them, and the routing
// fields of a reply (OnBehalfOf… of the message become DeliverTo… of the answer and back).

export const SESSION_REJECT_TEXT: Readonly<Record<number, string>> = {
  0: 'Invalid tag number',
  1: 'Required tag missing',
  2: 'Tag not defined for this message type',
  3: 'Undefined Tag',
  4: 'Tag specified without a value',
  5: 'Value is incorrect (out of range) for this tag',
  6: 'Incorrect data format for value',
  7: 'Decryption problem',
  8: 'Signature problem',
  9: 'CompID problem',
  10: 'SendingTime accuracy problem',
  11: 'Invalid MsgType',
  13: 'Tag appears more than once',
  14: 'Tag specified out of required order',
  15: 'Repeating group fields out of order',
  16: 'Incorrect NumInGroup count for repeating group',
  17: 'Non "data" value includes field delimiter (SOH character)',
};

export const REJECT_REASON = {
  invalidTagNumber: 0,
  requiredTagMissing: 1,
  valueIsIncorrect: 5,
  compIdProblem: 9,
  sendingTimeAccuracyProblem: 10,
  invalidMsgType: 11,
} as const;

export const BUSINESS_REJECT_TEXT: Readonly<Record<number, string>> = {
  0: 'Other',
  1: 'Unknown ID',
  2: 'Unknown Security',
  3: 'Unsupported Message Type',
  4: 'Application not available',
  5: 'Conditionally required field missing',
  6: 'Not authorized',
  7: 'Deliver to firm not available at this time',
};

export const UNSUPPORTED_MESSAGE_TYPE = 3;

/** Routing tag of a message → the tag that carries its value back in a reply (OnBehalfOf ↔ DeliverTo). */
export const REVERSE_ROUTE: ReadonlyMap<number, number> = new Map([
  [115, 128],
  [128, 115],
  [116, 129],
  [129, 116],
  [144, 145],
  [145, 144],
]);
