import { useApi } from '@backstage/frontend-plugin-api';
import { Server, ServerInput } from '@internal/plugin-app-platform-common';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Grid,
  MenuItem,
  TextField,
} from '@material-ui/core';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { ApiErrorAlert } from '../ApiErrorAlert';

type Props = {
  open: boolean;
  onClose: () => void;
  onRecorded: () => void;
  /** The owner field's starting value, e.g. the user's first group. */
  defaultOwner?: string;
  /** A server recorded by hand to change (e.g. renewed) instead of a new one. */
  server?: Server;
};

/** The form's fields before anything is typed. */
export const emptyServerForm = {
  name: '',
  owner: '',
  expiresAt: '',
  chargeType: 'PrePaid',
  region: '',
  cpu: '',
  memoryGib: '',
  diskGib: '',
  os: '',
  ipAddresses: '',
};

type Form = typeof emptyServerForm;

/** A whole number typed in a field, or undefined when left empty. */
function whole(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** The API's input from the form; the backend checks every field. */
export function toServerInput(form: Form): ServerInput {
  const memoryGib = whole(form.memoryGib);
  const ipAddresses = form.ipAddresses.split(/[\s,]+/).filter(Boolean);
  const input: ServerInput = {
    name: form.name.trim(),
    owner: form.owner.trim(),
    chargeType: form.chargeType,
    expiresAt: form.expiresAt || undefined,
    region: form.region.trim() || undefined,
    cpu: whole(form.cpu),
    memoryMib:
      memoryGib === undefined ? undefined : Math.round(memoryGib * 1024),
    diskGib: whole(form.diskGib),
    os: form.os.trim() || undefined,
    ipAddresses: ipAddresses.length ? ipAddresses : undefined,
  };
  // Undefined fields are left out of the JSON the backend validates.
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as ServerInput;
}

/** The form filled in with a server's fields, to change them. */
export function toServerForm(server: Server): Form {
  const text = (value: string | number | undefined) =>
    value === undefined ? '' : String(value);
  return {
    name: server.name,
    owner: server.owner,
    // Dates picked here are stored as midnight UTC; the picker shows the day.
    expiresAt: server.expiresAt?.slice(0, 10) ?? '',
    chargeType: server.chargeType ?? emptyServerForm.chargeType,
    region: text(server.region),
    cpu: text(server.cpu),
    memoryGib: text(
      server.memoryMib === undefined ? undefined : server.memoryMib / 1024,
    ),
    diskGib: text(server.diskGib),
    os: text(server.os),
    ipAddresses: server.ipAddresses.join(', '),
  };
}

/**
 * Records a server by hand, for machines no provider imports, or changes
 * one (a renewal moves its expiry). The backend checks every field; its
 * error names the field and is shown as is.
 */
export const RecordServerDialog = (props: Props) => {
  const { open, onClose, onRecorded, defaultOwner, server } = props;
  const client = useApi(appPlatformApiRef);
  const [form, setForm] = useState<Form>(
    server
      ? toServerForm(server)
      : { ...emptyServerForm, owner: defaultOwner ?? '' },
  );

  const field = (key: keyof Form, label: string, extra: object = {}) => (
    <TextField
      label={label}
      value={form[key]}
      onChange={e => setForm(f => ({ ...f, [key]: e.target.value }))}
      fullWidth
      margin="dense"
      inputProps={{ 'aria-label': label }}
      {...extra}
    />
  );

  const [{ loading: saving, error }, submit] = useAsyncFn(async () => {
    if (server) {
      // The form has no fields for these; a replacement must keep them.
      await client.updateServer(server.id, {
        ...toServerInput(form),
        tags: server.tags,
        ...(server.createdAt ? { createdAt: server.createdAt } : {}),
      });
    } else {
      await client.createServer(toServerInput(form));
      setForm({ ...emptyServerForm, owner: defaultOwner ?? '' });
    }
    onRecorded();
    onClose();
  }, [client, form, server, defaultOwner, onRecorded, onClose]);

  let submitLabel = server ? 'Save' : 'Record';
  if (saving) {
    submitLabel = server ? 'Saving…' : 'Recording…';
  }

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        {server ? `Change server ${server.name}` : 'Record a server'}
      </DialogTitle>
      <DialogContent>
        <ApiErrorAlert error={error} />
        <Grid container spacing={2}>
          <Grid item xs={12} sm={6}>
            {field('name', 'Name', { required: true })}
          </Grid>
          <Grid item xs={12} sm={6}>
            {field('owner', 'Owner group', {
              required: true,
              helperText: 'group:default/team-a or team-a',
            })}
          </Grid>
          <Grid item xs={12} sm={6}>
            {field('expiresAt', 'Expires on', {
              type: 'date',
              InputLabelProps: { shrink: true },
              helperText: 'Needed unless pay as you go',
            })}
          </Grid>
          <Grid item xs={12} sm={6}>
            <TextField
              select
              label="Charge type"
              value={form.chargeType}
              onChange={e =>
                setForm(f => ({ ...f, chargeType: e.target.value }))
              }
              fullWidth
              margin="dense"
            >
              <MenuItem value="PrePaid">PrePaid (subscription)</MenuItem>
              <MenuItem value="PostPaid">PostPaid (pay as you go)</MenuItem>
            </TextField>
          </Grid>
          <Grid item xs={4}>
            {field('cpu', 'vCPU', { type: 'number' })}
          </Grid>
          <Grid item xs={4}>
            {field('memoryGib', 'Memory (GiB)', { type: 'number' })}
          </Grid>
          <Grid item xs={4}>
            {field('diskGib', 'Disk (GiB)', { type: 'number' })}
          </Grid>
          <Grid item xs={12} sm={6}>
            {field('region', 'Region or site')}
          </Grid>
          <Grid item xs={12} sm={6}>
            {field('os', 'Operating system')}
          </Grid>
          <Grid item xs={12}>
            {field('ipAddresses', 'IP addresses', {
              helperText: 'Separated by commas or spaces',
            })}
          </Grid>
        </Grid>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={saving || !form.name.trim() || !form.owner.trim()}
        >
          {submitLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
