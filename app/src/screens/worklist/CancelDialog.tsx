import { Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { cancelReasonWords, kindWords, shortId } from './worklist.words';
import type { CancelReason, WorklistItem } from './worklist.types';

const reasons = Object.keys(cancelReasonWords) as CancelReason[];

/**
 * Cancel a chart write with a reason (issue 14): the reason is required and chosen from a list
 * (a code, so the audit can carry it without free text). Nothing is cancelled until confirmed.
 */
export function CancelDialog({ item, onClose, onCancel }: { item: WorklistItem | null; onClose: () => void; onCancel: (item: WorklistItem, reason: CancelReason) => Promise<void> }) {
  const [reason, setReason] = useState<CancelReason | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setReason(null);
    setError(null);
    onClose();
  };
  const confirm = async () => {
    if (!item) return;
    if (!reason) {
      setError('Choose why this chart write should not be sent.');
      return;
    }
    setBusy(true);
    try {
      await onCancel(item, reason);
      close();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.words : 'That did not work. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    // lockScroll off: the scroll lock injects a style tag without the page's CSP nonce (a console error).
    <Modal opened={item !== null} onClose={close} title="Cancel this chart write?" centered lockScroll={false} returnFocus={false} closeButtonProps={{ 'aria-label': 'Close without cancelling' }}>
      {item ? (
        <Stack gap="sm">
          <Text size="sm">
            {kindWords[item.kind]} (item {shortId(item.id)}). A cancelled chart write is never sent to the EHR. It stays on this list as cancelled, with your name and the reason.
          </Text>
          <Radio.Group label="Why should it not be sent?" withAsterisk value={reason ?? ''} onChange={(value) => { setReason(value as CancelReason); setError(null); }} error={error}>
            <Stack gap="xs" mt="xs">
              {reasons.map((code) => (
                <Radio key={code} value={code} label={cancelReasonWords[code]} />
              ))}
            </Stack>
          </Radio.Group>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Keep it
            </Button>
            <Button color="red" loading={busy} onClick={() => void confirm()}>
              Cancel the chart write
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
